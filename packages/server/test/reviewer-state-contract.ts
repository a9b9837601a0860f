/**
 * @module test/reviewer-state-contract
 * The {@link ReviewerStateStore} contract as a reusable Vitest suite: memory, SQLite and
 * PostgreSQL run the same cases through {@link runReviewerStateContract}. `other` is a
 * second store on the same database (another connection: what another inbox instance
 * sees), or the same object for the memory store.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReviewerStateStore, SignInCounter } from "../src/store/reviewer-state.js";

/** Makes a fresh, empty reviewer state (and a second view of it); `dispose` removes it. */
export type ReviewerStateFactory = () => Promise<{
  state: ReviewerStateStore;
  other: ReviewerStateStore;
  dispose: () => Promise<void>;
}>;

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const HOUR = 3600_000;

/** Adds one failure to `key` (expiring an hour later) and answers the count it reached. */
const addFailure = (state: ReviewerStateStore, key: string, now = T0) =>
  state.updateSignInCounters([key], now, (current) => {
    const failures = (current.get(key)?.failures ?? 0) + 1;
    const counter: SignInCounter = { failures, lockedUntil: 0, expiresAt: now + HOUR };
    return { result: failures, changes: new Map([[key, counter]]) };
  });

/** Reads the counters of `keys` without changing them. */
const readCounters = (state: ReviewerStateStore, keys: string[], now = T0) =>
  state.updateSignInCounters(keys, now, (current) => ({
    result: new Map(current),
    changes: new Map(),
  }));

/** Runs the contract against stores made by `factory`. */
export function runReviewerStateContract(name: string, factory: ReviewerStateFactory): void {
  describe(`ReviewerStateStore contract: ${name}`, () => {
    let state: ReviewerStateStore;
    let other: ReviewerStateStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ state, other, dispose } = await factory());
    });
    afterEach(async () => {
      await dispose();
    });

    it("a revoked session is ended everywhere until it expires, then purged", async () => {
      const session = { id: "sid-1", reviewer: "alice", issuedAt: T0 };
      expect(await other.sessionEnded(session)).toBe(false);
      await state.revokeSession("sid-1", T0 + HOUR);
      await state.revokeSession("sid-1", T0 + HOUR); // twice is fine
      expect(await other.sessionEnded(session)).toBe(true);
      expect(await other.sessionEnded({ ...session, id: "sid-2" })).toBe(false);
      expect(await state.purge(T0 + HOUR - 1)).toBe(0);
      expect(await other.sessionEnded(session)).toBe(true);
      expect(await state.purge(T0 + HOUR)).toBe(1);
      expect(await state.size()).toBe(0);
    });

    it("ends a reviewer's sessions issued before a time; a later mark never moves it back", async () => {
      await state.endSessions("alice", T0, T0 + 8 * HOUR);
      const at = (issuedAt: number, reviewer = "alice") =>
        other.sessionEnded({ id: `s-${issuedAt}`, reviewer, issuedAt });
      expect(await at(T0 - 1)).toBe(true);
      expect(await at(T0)).toBe(false);
      expect(await at(T0 - 1, "bob")).toBe(false);
      await other.endSessions("alice", T0 - HOUR, T0 + HOUR);
      expect(await at(T0 - 1)).toBe(true);
      expect(await state.purge(T0 + HOUR)).toBe(0); // kept until the later keepUntil
      await state.endSessions("alice", T0 + 10, T0 + 8 * HOUR);
      expect(await at(T0 + 5)).toBe(true);
      expect(await state.purge(T0 + 8 * HOUR)).toBe(1);
      expect(await at(T0 + 5)).toBe(false);
    });

    it("recording credentials ends the sessions of changed and removed accounts only", async () => {
      expect(await state.recordCredentials({ alice: "a1", bob: "b1" }, T0, T0 + HOUR)).toEqual([]);
      const before = (reviewer: string) =>
        state.sessionEnded({ id: `s-${reviewer}`, reviewer, issuedAt: T0 + 5 });
      // Another instance starts with the same accounts: nothing ends.
      expect(await other.recordCredentials({ alice: "a1", bob: "b1" }, T0 + 10, T0 + HOUR)).toEqual(
        [],
      );
      expect(await before("alice")).toBe(false);
      // alice's password changed, carol is new: only alice's earlier sessions end.
      const changed = await other.recordCredentials(
        { alice: "a2", bob: "b1", carol: "c1" },
        T0 + 10,
        T0 + HOUR,
      );
      expect(changed).toEqual(["alice"]);
      expect(await before("alice")).toBe(true);
      expect(await before("bob")).toBe(false);
      expect(await state.sessionEnded({ id: "new", reviewer: "alice", issuedAt: T0 + 10 })).toBe(
        false,
      );
      // bob's account is removed: his sessions end; recording again changes nothing more.
      expect(
        await state.recordCredentials({ alice: "a2", carol: "c1" }, T0 + 20, T0 + HOUR),
      ).toEqual(["bob"]);
      expect(await before("bob")).toBe(true);
      expect(
        await other.recordCredentials({ alice: "a2", carol: "c1" }, T0 + 30, T0 + HOUR),
      ).toEqual([]);
      // Fingerprints (one per account) stay; the session marks are purged.
      expect(await state.purge(T0 + HOUR)).toBe(2);
      expect(await state.size()).toBe(2);
    });

    it("a token is used once: exactly one of concurrent uses wins, in any instance", async () => {
      const uses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : state).useToken("nonce-1", T0 + 60_000),
        ),
      );
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await other.tokenUsed("nonce-1")).toBe(true);
      expect(await other.tokenUsed("nonce-2")).toBe(false);
      expect(await state.useToken("nonce-1", T0 + 60_000)).toBe(false);
      expect(await state.purge(T0 + 60_000)).toBe(1);
      expect(await state.tokenUsed("nonce-1")).toBe(false);
    });

    it("a released token can be used again, in any instance; releasing an unused one is a no-op", async () => {
      expect(await state.useToken("nonce-r", T0 + 60_000)).toBe(true);
      await other.releaseToken("nonce-r");
      expect(await state.tokenUsed("nonce-r")).toBe(false);
      expect(await state.useToken("nonce-r", T0 + 60_000)).toBe(true);
      expect(await other.useToken("nonce-r", T0 + 60_000)).toBe(false);
      await state.releaseToken("never-used");
      expect(await state.tokenUsed("never-used")).toBe(false);
    });

    it("counts concurrent failures without losing one, across instances", async () => {
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => addFailure(i % 2 ? other : state, 'k\u0000\n"é')),
      );
      expect([...counts].sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const read = await readCounters(other, ['k\u0000\n"é', "missing"]);
      expect(read).toEqual(
        new Map([['k\u0000\n"é', { failures: 20, lockedUntil: 0, expiresAt: T0 + HOUR }]]),
      );
    });

    it("updates several counters together: resets, locks, expiry, a failed change writes nothing", async () => {
      await addFailure(state, "a");
      await addFailure(state, "b");
      const lock = { failures: 5, lockedUntil: T0 + 60_000, expiresAt: T0 + 2 * HOUR };
      await other.updateSignInCounters(["a", "b"], T0, () => ({
        result: undefined,
        changes: new Map([
          ["a", lock],
          ["b", null],
        ]),
      }));
      expect(await readCounters(state, ["a", "b"])).toEqual(new Map([["a", lock]]));
      await expect(
        state.updateSignInCounters(["a"], T0, () => {
          throw new Error("refused");
        }),
      ).rejects.toThrow("refused");
      expect(await readCounters(state, ["a"])).toEqual(new Map([["a", lock]]));
      // Expired counters read as absent, then are purged.
      await addFailure(state, "c");
      expect(await readCounters(other, ["a", "c"], T0 + HOUR)).toEqual(new Map([["a", lock]]));
      expect(await state.purge(T0 + HOUR)).toBe(1);
      expect(await state.purge(T0 + 2 * HOUR)).toBe(1);
      expect(await state.size()).toBe(0);
    });
  });
}
