/**
 * @module wait
 * Waiting in tests without fixed sleeps: poll a condition, and find a free port when a URL
 * must be known before its server listens (an inbox's `publicUrl`).
 */
import { createServer } from "node:net";

/**
 * Polls `check` every `everyMs` until it is true; throws after `ms`. The bound only ends a
 * failing test, so its default leaves room for a loaded 2-core CI machine.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 15_000,
  everyMs = 5,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
