/**
 * The session manager over a reviewer state: log out, sessions ended by another instance's
 * record of changed credentials, and cookies of the previous format (no issue time).
 */
import { createManualClock } from "@safeguards/core";
import { describe, expect, it } from "vitest";
import { createSessionManager } from "../src/auth/session-manager.js";
import { signToken } from "../src/auth/signed-token.js";
import { createMemoryReviewerState } from "../src/store/memory-reviewer-state.js";
import { UI_SECRET } from "./ui-helpers.js";

const T0 = Date.parse("2030-01-01T00:00:00Z");
const setup = () => {
  const clock = createManualClock(T0);
  const state = createMemoryReviewerState();
  const hashes: Record<string, string> = { alice: "hash-a1", bob: "hash-b1" };
  const manager = (credentials: Record<string, string>) =>
    createSessionManager({ secret: UI_SECRET, clock, state, credential: (n) => credentials[n] });
  return { clock, state, hashes, manager };
};

describe("session manager", () => {
  it("a revoked session is refused by every manager on the same state", async () => {
    const { manager, hashes } = setup();
    const a = manager(hashes);
    const b = manager(hashes);
    const { session, cookie } = a.issue("alice");
    expect(await b.read(cookie)).toEqual(session);
    await a.revoke(session);
    expect(await b.read(cookie)).toBeUndefined();
    expect(await a.read(a.issue("alice").cookie)).toBeDefined();
  });

  it("a manager started with a changed or removed account ends earlier sessions for all", async () => {
    const { clock, manager, hashes } = setup();
    const old = manager(hashes);
    expect(await old.recordCredentials(["alice", "bob"])).toEqual([]);
    const alice = old.issue("alice").cookie;
    const bob = old.issue("bob").cookie;
    clock.advance(1000);
    const changed = manager({ alice: "hash-a2" });
    expect((await changed.recordCredentials(["alice"])).sort()).toEqual(["alice", "bob"]);
    // The manager still holding the old accounts refuses them too.
    expect(await old.read(alice)).toBeUndefined();
    expect(await old.read(bob)).toBeUndefined();
    // A session issued after the record is not ended.
    expect(await old.read(old.issue("bob").cookie)).toBeDefined();
  });

  it("reads a cookie without an issue time as issued at 0: valid until a mark ends it", async () => {
    const { clock, state, manager, hashes } = setup();
    const current = manager(hashes);
    const { session } = current.issue("alice");
    const { iat: _, ...withoutIat } = session;
    const cookie = signToken(UI_SECRET, "session", withoutIat);
    expect((await current.read(cookie))?.iat).toBe(0);
    await state.endSessions("bob", clock.now(), clock.now() + 1000);
    expect(await current.read(cookie)).toBeDefined();
    await state.endSessions("alice", 1, clock.now() + 1000);
    expect(await current.read(cookie)).toBeUndefined();
  });
});
