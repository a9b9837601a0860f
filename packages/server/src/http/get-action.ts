/**
 * @module http/get-action
 * `GET /actions/{id}?wait=S` (agent or reviewer): the record; with `wait`, a pending
 * action's answer is held until it is decided or the wait runs out. An agent key sees only
 * its own actions (404 otherwise). A held answer takes one of the caller's wait slots.
 */
import type { Context } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { longPoll } from "../inbox/long-poll.js";
import { authenticate } from "./auth.js";
import type { HttpContext } from "./context.js";
import { waitKey } from "./decisions.js";
import { actionId, pollSignal, waitMs } from "./input.js";

/** Handler of `GET /actions/{id}`. */
export function getAction(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const principal = await authenticate(ctx.authenticator, c.req.raw);
    const id = actionId(c.req.param("id"));
    const wait = waitMs(c);
    const first =
      principal.kind === "reviewer"
        ? await ctx.gate.view(principal.name, id)
        : await ctx.service.get(id);
    if (!first || (principal.kind === "agent" && first.record.agent_id !== principal.agentId)) {
      throw new InboxError("not_found", `No action ${id}`);
    }
    if (wait <= 0 || first.record.status !== "pending") {
      return c.json(ctx.toWire(first.record, c.req.url), 200);
    }
    const key =
      principal.kind === "agent" ? waitKey(principal.agentId) : `reviewer:${principal.name}`;
    const release = ctx.waits.acquire(key);
    try {
      const action = await longPoll({
        notifier: ctx.notifier,
        clock: ctx.clock,
        agentId: first.record.agent_id,
        waitMs: wait,
        read: async () => (await ctx.service.get(id)) ?? first,
        ready: (a) => a.record.status !== "pending",
        filter: (event) => event.actionId === id,
        signal: pollSignal(c, ctx.shutdown),
      });
      return c.json(ctx.toWire(action.record, c.req.url), 200);
    } finally {
      release();
    }
  };
}
