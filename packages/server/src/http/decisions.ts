/**
 * @module http/decisions
 * `GET /decisions?since=CURSOR&wait=S` (agent): the decisions of all the calling key's
 * actions recorded after `CURSOR`, oldest first, held up to `wait` seconds when there are
 * none yet (a held answer or stream takes one of the agent's wait slots, see
 * `inbox/wait-limiter.ts`). The cursor is the store's decision sequence, so it survives restarts and works
 * across inbox instances. With `Accept: text/event-stream` the same stream is sent as
 * Server-Sent Events (see `decisions-sse.ts`).
 *
 * Extension of PROTOCOL.md: `since=now` answers at once (whatever `wait` says)
 * `{"decisions": [], "cursor": "<the key's latest decision sequence>"}`, so a fresh client
 * takes the current position without replaying the key's history.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { longPoll } from "../inbox/long-poll.js";
import { authenticate, requireAgent } from "./auth.js";
import type { HttpContext } from "./context.js";
import { decisionsSse } from "./decisions-sse.js";
import { pollSignal, waitMs } from "./input.js";

/** The wait-limiter key of an agent (all its keys share the cap). */
export const waitKey = (agentId: string) => `agent:${agentId}`;

/** Parses `since` (absent means from the beginning; `protocol.SINCE_NOW` is handled by callers). */
export function parseSince(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new InboxError(
      "invalid_request",
      "Malformed since; pass the cursor of the previous answer",
    );
  }
  return Number(raw);
}

/** Handler of `GET /decisions`. */
export function decisions(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const agentId = requireAgent(await authenticate(ctx.authenticator, c.req.raw));
    const rawSince = c.req.query("since") ?? c.req.header("last-event-id");
    const now = rawSince === protocol.SINCE_NOW;
    const since = now ? await ctx.service.latestDecisionSeq(agentId) : parseSince(rawSince);
    if (c.req.header("accept")?.includes("text/event-stream")) {
      // Released by the stream when it ends (client gone, inbox closing).
      return decisionsSse(ctx, c, agentId, since, ctx.waits.acquire(waitKey(agentId)));
    }
    if (now) {
      const body: protocol.DecisionsResponse = { decisions: [], cursor: String(since) };
      return c.json(body, 200);
    }
    const wait = waitMs(c);
    const release = wait > 0 ? ctx.waits.acquire(waitKey(agentId)) : () => {};
    let found: Awaited<ReturnType<typeof ctx.service.decisionsSince>>;
    try {
      found = await longPoll({
        notifier: ctx.notifier,
        clock: ctx.clock,
        agentId,
        waitMs: wait,
        read: () =>
          ctx.service.decisionsSince({
            agentId,
            after: since,
            limit: protocol.DECISIONS_PAGE_SIZE,
          }),
        ready: (list) => list.length > 0,
        signal: pollSignal(c, ctx.shutdown),
      });
    } finally {
      release();
    }
    const last = found[found.length - 1];
    const body: protocol.DecisionsResponse = {
      decisions: found.map((a) => ctx.toWire(a.record, c.req.url)),
      cursor: String(last?.decisionSeq ?? since),
    };
    return c.json(body, 200);
  };
}
