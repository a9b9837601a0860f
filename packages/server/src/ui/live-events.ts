/**
 * @module ui/live-events
 * `GET /ui/events`: a Server-Sent Events stream telling a signed-in reviewer's page that an
 * action it may see was filed, decided or expired, got an approval or was escalated, through
 * this inbox instance or another one sharing its database (`change` events carrying only the
 * id and status; see `inbox/action-feed.ts`); the page then fetches
 * the fresh, server-rendered list. After the link to the other instances was lost and came
 * back, a `change` event `{"resync": true}` tells the page to re-read (changes may have been
 * missed).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { ActionFeed } from "../inbox/action-feed.js";
import type { StoredRecord } from "../store/action-store.js";

/** Keep-alive comment interval (ms). */
export const LIVE_KEEPALIVE_MS = 15_000;

/** Streams change events for `canSee` records until the client or the inbox goes away. */
export function liveEvents(
  c: Context,
  options: {
    feed: ActionFeed;
    canSee: (record: StoredRecord) => boolean;
    shutdown: AbortSignal;
  },
): Response {
  return streamSSE(c, async (stream) => {
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const push = (data: string) => {
      queue.push(data);
      wake?.();
    };
    const offFeed = options.feed.on((event) => {
      if (event.type === "resync") return push(JSON.stringify({ resync: true }));
      if (options.canSee(event.record))
        push(JSON.stringify({ id: event.record.id, status: event.record.status }));
    });
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
      offFeed();
    }
  });
}
