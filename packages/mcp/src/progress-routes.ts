/**
 * @module progress-routes
 * Routes the upstream's progress notifications to the call they belong to. The SDK's own
 * `onprogress` forgets a request's progress handler as soon as its answer arrives, so a
 * notification read in the same chunk as the answer is dropped; here a route stays open
 * until the next turn of the event loop after the answer, so every notification the
 * upstream sent before answering is passed on before the answer.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type Progress, ProgressNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

/** The progress routes of one upstream connection. */
export class ProgressRoutes {
  readonly #routes = new Map<string, (progress: Progress) => void>();
  #next = 0;

  /** Takes over the upstream's progress notifications. */
  constructor(upstream: Client) {
    upstream.setNotificationHandler(ProgressNotificationSchema, (notification) => {
      const { progressToken, ...progress } = notification.params;
      this.#routes.get(String(progressToken))?.(progress);
    });
  }

  /** A new token whose progress goes to `onProgress` until `close` is called. */
  open(onProgress: (progress: Progress) => void): { token: string; close(): Promise<void> } {
    this.#next += 1;
    const token = `safeguards-${this.#next}`;
    this.#routes.set(token, onProgress);
    return {
      token,
      close: () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            this.#routes.delete(token);
            resolve();
          }),
        ),
    };
  }
}
