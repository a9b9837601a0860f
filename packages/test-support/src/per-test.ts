/**
 * @module per-test
 * Resources that live for one test: `deferCleanup()` runs what a test deferred after it, last
 * first; `inboxPerTest()` starts test inboxes that close after each test. Both register a
 * Vitest `afterEach` in the calling test file, so call them at the top level of the file.
 */
import type { InboxOptions } from "@safeguards/server";
import { afterEach } from "vitest";
import { startTestInbox, type TestInbox } from "./test-inbox.js";

/** Registers an `afterEach` that runs the deferred cleanups, last first; answers `defer`. */
export function deferCleanup(): (cleanup: () => unknown) => void {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => void cleanups.push(cleanup);
}

/**
 * An inbox per test: answers a starter like {@link startTestInbox} (with `defaults` under
 * each call's overrides) whose inboxes are closed after each test.
 */
export function inboxPerTest(
  defaults: Partial<InboxOptions> = {},
): (overrides?: Partial<InboxOptions>, port?: number) => Promise<TestInbox> {
  const defer = deferCleanup();
  return async (overrides = {}, port = 0) => {
    const started = await startTestInbox({ ...defaults, ...overrides }, port);
    defer(() => started.inbox.close());
    return started;
  };
}
