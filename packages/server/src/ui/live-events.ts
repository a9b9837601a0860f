/**
 * @module ui/live-events
 * `GET /ui/events`: a Server-Sent Events stream telling a signed-in reviewer's page that an
 * action it may see was filed, decided or expired, got an approval or was escalated (`change`
 * events carrying only the id and status); the page then fetches the fresh, server-rendered
 * list.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { InboxEvents } from "../inbox/inbox-events.js";
import type { StoredRecord } from "../store/action-store.js";

/** Keep-alive comment interval (ms). */
export const LIVE_KEEPALIVE_MS = 15_000;

/** Streams change events for `canSee` records until the client or the inbox goes away. */
export function liveEvents(
  c: Context,
  options: {
    events: Pick<InboxEvents, "on">;
    canSee: (record: StoredRecord) => boolean;
    shutdown: AbortSignal;
  },
): Response {
  return streamSSE(c, async (stream) => {
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const push = (record: StoredRecord) => {
      if (!options.canSee(record)) return;
      queue.push(JSON.stringify({ id: record.id, status: record.status }));
      wake?.();
    };
    const offs = [
      options.events.on("action.created", (e) => push(e.action)),
      options.events.on("action.decided", (e) => push(e.action)),
      // Approvals recorded and escalation steps (which may make the action visible).
      options.events.on("action.updated", (e) => push(e.action)),
      options.events.on("action.escalated", (e) => push(e.action)),
    ];
    const signal = AbortSignal.any([c.req.raw.signal, options.shutdown]);
    const stop = () => wake?.();
    signal.addEventListener("abort", stop);
    stream.onAbort(stop);
    const keepalive = setInterval(() => {
      queue.push("");
      wake?.();
    }, LIVE_KEEPALIVE_MS);
    keepalive.unref?.();
    try {
      await stream.write("retry: 2000\n: connected\n\n");
      while (!signal.aborted && !stream.aborted) {
        const next = queue.shift();
        if (next === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        if (next === "") await stream.write(": keepalive\n\n");
        else await stream.writeSSE({ event: "change", data: next });
      }
    } finally {
      clearInterval(keepalive);
      signal.removeEventListener("abort", stop);
      for (const off of offs) off();
    }
  });
}
