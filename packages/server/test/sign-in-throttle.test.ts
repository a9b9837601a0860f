/**
 * Sign-in throttling per name and client address, over real HTTP (client addresses through
 * a trusted proxy's X-Forwarded-For), and the throttle's memory bound with an injected clock.
 */
import { createManualClock, type ManualClock } from "@safeguards/core";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import { addressKey, createLoginThrottle } from "../src/auth/login-throttle.js";
import type { Inbox } from "../src/index.js";
import { createMemoryReviewerState } from "../src/store/memory-reviewer-state.js";
import { Browser, PASSWORDS, startReviewerInbox, testAccounts } from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const T0 = Date.parse("2026-11-29T12:00:00Z");
async function setup(accounts = testAccounts()) {
  const clock = createManualClock(T0);
  const started = await startReviewerInbox({ accounts }, { clock, trustProxy: true });
  inbox = started.inbox;
  const from = (address: string) => new Browser(started.root, { "x-forwarded-for": address });
  return { ...started, clock, from };
}

describe("sign-in throttle over HTTP", () => {
  it("a stranger's wrong passwords lock the stranger, not the reviewer elsewhere", async () => {
    const { from, clock } = await setup();
    const stranger = from("203.0.113.7");
    for (let i = 0; i < 5; i++) expect((await stranger.signIn("alice", "guess")).status).toBe(401);
    const locked = await stranger.signIn("alice", PASSWORDS.alice);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBe("60");
    expect((await from("198.51.100.2").signIn("alice", PASSWORDS.alice)).status).toBe(303);
    clock.advance(60_000);
    expect((await stranger.signIn("alice", PASSWORDS.alice)).status).toBe(303);
  });

  it("one address guessing many names is locked after 20 failures", async () => {
    const { from } = await setup();
    const sprayer = from("203.0.113.9");
    for (let i = 0; i < 20; i++) expect((await sprayer.signIn(`user${i}`, "pw")).status).toBe(401);
    expect((await sprayer.signIn("bob", PASSWORDS.bob)).status).toBe(429);
    expect((await from("203.0.113.10").signIn("bob", PASSWORDS.bob)).status).toBe(303);
  });

  it("40 parallel guesses get exactly 5 password checks", async () => {
    // A real cost, so that the guesses overlap while the hash runs.
    const slow = bcrypt.hashSync(PASSWORDS.alice, 10);
    const { from } = await setup(
      testAccounts().map((a) => (a.name === "alice" ? { ...a, passwordHash: slow } : a)),
    );
    const b = from("203.0.113.11");
    const page = await (await b.fetch("/login")).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const fields = { _csrf: csrf, next: "/inbox", name: "alice", password: "guess" };
    const answers = await Promise.all(Array.from({ length: 40 }, () => b.form("/login", fields)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
  });
});

describe("login throttle", () => {
  const throttleOf = (clock: ManualClock, maxSignInCounters?: number) =>
    createLoginThrottle({
      clock,
      state: createMemoryReviewerState(maxSignInCounters ? { maxSignInCounters } : {}),
    });

  it("never evicts a lock, whatever fills the table; bounded memory", async () => {
    const clock = createManualClock(T0);
    const throttle = throttleOf(clock, 30);
    for (let i = 0; i < 5; i++) expect(await throttle.attempt("alice", "203.0.113.7")).toBe(0);
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(60_000);
    // Fail once with 10,000 other names from many addresses: alice's lock stays.
    for (let i = 0; i < 10_000; i++)
      await throttle.attempt(`name${i}`, `198.51.${i >> 8}.${i & 255}`);
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(60_000);
    clock.advance(60_000);
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(0); // 6th failure: 2 minutes
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(120_000);
  });

  it("when every entry is locked, attempts needing a new entry wait", async () => {
    const clock = createManualClock(T0);
    const throttle = throttleOf(clock, 3);
    for (let i = 0; i < 5; i++) await throttle.attempt("alice", "203.0.113.7");
    expect(await throttle.attempt("bob", "198.51.100.2")).toBeGreaterThan(0);
    clock.advance(60_000);
    expect(await throttle.attempt("bob", "198.51.100.2")).toBe(0);
  });

  it("a right password gives its attempt back; many names lock one name for everyone", async () => {
    const clock = createManualClock(T0);
    const throttle = throttleOf(clock);
    for (let i = 0; i < 4; i++) await throttle.attempt("alice", "203.0.113.7");
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(0);
    await throttle.succeeded("alice", "203.0.113.7");
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(0);
    for (let i = 0; i < 100; i++) await throttle.attempt("bob", `198.51.100.${i}`);
    expect(await throttle.attempt("bob", "192.0.2.1")).toBe(60_000);
  });

  it("forgets an unlocked counter an hour after its last failure", async () => {
    const clock = createManualClock(T0);
    const throttle = throttleOf(clock);
    for (let i = 0; i < 4; i++) await throttle.attempt("alice", "203.0.113.7");
    clock.advance(60 * 60_000);
    // Four failures forgotten: five more are free again before the lock.
    for (let i = 0; i < 5; i++) expect(await throttle.attempt("alice", "203.0.113.7")).toBe(0);
    expect(await throttle.attempt("alice", "203.0.113.7")).toBe(60_000);
  });

  it("groups IPv6 clients by /64 and unwraps IPv4-mapped addresses", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::ffff:192.0.2.4")).toBe("192.0.2.4");
    expect(addressKey("192.0.2.4")).toBe("192.0.2.4");
  });
});
