/**
 * @module http/decisions-sse
 * Server-Sent Events variant of `GET /decisions`: one `decision` event per terminal record
 * (`id:` is the cursor, so `Last-Event-ID` resumes), a comment every 15 s to keep proxies
 * from closing the stream.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { subscribeDecisionWake } from "../inbox/decision-wake.js";
import type { HttpContext } from "./context.js";
import { pollSignal } from "./input.js";

/** Keep-alive interval of the event stream (ms). */
export const SSE_KEEPALIVE_MS = 15_000;

/**
 * Streams the agent's decisions after `since` until the client or the inbox goes away, then
 * calls `release` (the stream's wait slot).
 */
export function decisionsSse(
  ctx: HttpContext,
  c: Context,
  agentId: string,
  since: number,
  release: () => void,
) {
  return streamSSE(c, async (stream) => {
    try {
      await streamDecisions(ctx, c, stream, agentId, since);
    } finally {
      release();
    }
  });
}

async function streamDecisions(
  ctx: HttpContext,
  c: Context,
  stream: SSEStreamingApi,
  agentId: string,
  since: number,
): Promise<void> {
  const signal = pollSignal(c, ctx.shutdown);
  let cursor = since;
  const wake = subscribeDecisionWake({ notifier: ctx.notifier, clock: ctx.clock, agentId });
  stream.onAbort(() => wake.interrupt());
  try {
    while (!signal.aborted && !stream.aborted) {
      const found = await ctx.service.decisionsSince({
        agentId,
        after: cursor,
        limit: protocol.DECISIONS_PAGE_SIZE,
      });
      for (const action of found) {
        cursor = action.decisionSeq ?? cursor;
        await stream.writeSSE({
          id: String(cursor),
          event: "decision",
          data: JSON.stringify(ctx.toWire(action.record, c.req.url)),
        });
      }
      if (found.length === protocol.DECISIONS_PAGE_SIZE) continue;
      if ((await wake.wait(SSE_KEEPALIVE_MS, signal)) === "timeout") {
        await stream.write(": keepalive\n\n");
      }
    }
  } finally {
    wake.close();
  }
}
