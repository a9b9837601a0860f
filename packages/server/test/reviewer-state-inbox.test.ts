/**
 * The inbox over its store's reviewer state, in one process: on a SQLite file a logout
 * outlives a restart, a password change or a removed account recorded by one inbox ends the
 * sessions another inbox on the same file had issued, and the expired state is purged on the
 * schedule of the injected clock.
 */
import { createManualClock } from "@safeguards/core";
import { deferCleanup, eventually } from "@safeguards/test-support";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import type { ReviewerAccount } from "../src/index.js";
import { createMemoryStore } from "../src/index.js";
import { createMemoryReviewerState } from "../src/store/memory-reviewer-state.js";
import { createReviewerStatePurger } from "../src/store/reviewer-state-purger.js";
import { tempDbPath } from "./helpers.js";
import { Browser, PASSWORDS, startReviewerInbox, testAccounts } from "./ui-helpers.js";

const defer = deferCleanup();
const start = async (store: string, accounts: ReviewerAccount[] = testAccounts()) => {
  const started = await startReviewerInbox({ accounts }, { store });
  defer(() => started.inbox.close());
  return started;
};

describe("reviewer state in the SQLite store", () => {
  it("a logout outlives a restart of the inbox", async () => {
    const path = tempDbPath();
    const first = await start(path);
    const b = new Browser(first.root);
    expect((await b.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    const copy = b.at(first.root);
    expect((await b.form("/logout", { _csrf: await b.csrf() })).status).toBe(303);
    await first.inbox.close();
    const second = await start(path);
    expect((await copy.at(second.root).fetch("/inbox")).status).toBe(303);
  });

  it("a password change or a removed account, recorded by one inbox, ends the sessions of all", async () => {
    const path = tempDbPath();
    const accounts = testAccounts(); // the same hashes (a new call salts anew)
    const a = await start(path, accounts);
    const alice = new Browser(a.root);
    const bob = new Browser(a.root);
    const carol = new Browser(a.root);
    expect((await alice.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    expect((await bob.signIn("bob", PASSWORDS.bob)).status).toBe(303);
    expect((await carol.signIn("carol", PASSWORDS.carol)).status).toBe(303);
    // A second inbox starts with alice's new password and without bob.
    const changed = accounts
      .filter((x) => x.name !== "bob")
      .map((x) =>
        x.name === "alice" ? { ...x, passwordHash: bcrypt.hashSync("new-alice-pw", 4) } : x,
      );
    await start(path, changed);
    // A still runs the old accounts, yet refuses the ended sessions; carol's stays.
    expect((await alice.fetch("/inbox")).status).toBe(303);
    expect((await bob.fetch("/inbox")).status).toBe(303);
    expect((await carol.fetch("/inbox")).status).toBe(200);
  });
});

describe("purging the reviewer state", () => {
  it("purges expired entries on the injected clock's schedule, until stopped", async () => {
    const clock = createManualClock(Date.parse("2030-01-01T00:00:00Z"));
    const state = createMemoryReviewerState();
    await state.revokeSession("sid-0", clock.now()); // already expired: purged at start
    await state.revokeSession("sid-1", clock.now() + 60_000);
    await state.useToken("nonce-1", clock.now() + 20 * 60_000);
    const errors: unknown[] = [];
    const purger = createReviewerStatePurger({
      state,
      clock,
      intervalMs: 10 * 60_000,
      onError: (e) => errors.push(e),
    });
    await purger.start();
    expect(await state.size()).toBe(2);
    clock.advance(10 * 60_000);
    await eventually(async () => (await state.size()) === 1);
    clock.advance(10 * 60_000);
    await eventually(async () => (await state.size()) === 0);
    await purger.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("the inbox purges its store's reviewer state: a logout is forgotten after the session's end", async () => {
    const clock = createManualClock(Date.parse("2030-01-01T00:00:00Z"));
    const store = createMemoryStore();
    const started = await startReviewerInbox({ sessionTtlSeconds: 600 }, { store, clock });
    defer(() => started.inbox.close());
    const b = new Browser(started.root);
    expect((await b.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    expect((await b.form("/logout", { _csrf: await b.csrf() })).status).toBe(303);
    const state = store.reviewerState!;
    const accounts = 3; // the credential fingerprints, one per account, are never purged
    expect(await state.size()).toBe(accounts + 1);
    clock.advance(10 * 60_000);
    await eventually(async () => (await state.size()) === accounts);
  });
});
