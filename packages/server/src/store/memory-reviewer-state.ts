/**
 * @module store/memory-reviewer-state
 * The {@link ReviewerStateStore} in process memory (the memory store's, and the fallback of
 * a custom store without one). Each method runs without awaiting in the middle, so it is
 * atomic within the process. The sign-in counters are also bounded in number: a full table
 * drops unlocked counters (first those that never reached their limit, oldest failure
 * first) and never a locked one; when every counter is locked, new ones get `"full"`.
 */
import type { ReviewerStateStore, SignInCounter, SignInCounterChanges } from "./reviewer-state.js";

/** Options of {@link createMemoryReviewerState}. */
export interface MemoryReviewerStateOptions {
  /** Most sign-in counters kept. @default 100000 */
  maxSignInCounters?: number;
}

/** Creates an in-memory {@link ReviewerStateStore}. */
export function createMemoryReviewerState(
  options: MemoryReviewerStateOptions = {},
): ReviewerStateStore {
  const maxCounters = options.maxSignInCounters ?? 100_000;
  const revoked = new Map<string, number>();
  const ended = new Map<string, { before: number; keepUntil: number }>();
  const credentials = new Map<string, string>();
  const used = new Map<string, number>();
  const counters = new Map<string, SignInCounter>(); // least recently written first

  const endSessions = (reviewer: string, before: number, keepUntil: number) => {
    const old = ended.get(reviewer);
    ended.set(reviewer, {
      before: Math.max(before, old?.before ?? before),
      keepUntil: Math.max(keepUntil, old?.keepUntil ?? keepUntil),
    });
  };

  /** Frees room for `needed` new counters without touching a lock or the update's own keys. */
  const makeRoom = (needed: number, now: number, own: readonly string[]) => {
    const neverLocked = (c: SignInCounter) => c.lockedUntil === 0;
    for (const pass of [neverLocked, () => true]) {
      for (const [key, c] of counters) {
        if (counters.size + needed <= maxCounters) return true;
        if (c.lockedUntil <= now && pass(c) && !own.includes(key)) counters.delete(key);
      }
    }
    return counters.size + needed <= maxCounters;
  };

  const write = (changes: SignInCounterChanges) => {
    for (const [key, value] of changes) {
      counters.delete(key);
      if (value) counters.set(key, { ...value });
    }
  };

  return {
    async revokeSession(sessionId, expiresAt) {
      revoked.set(sessionId, Math.max(expiresAt, revoked.get(sessionId) ?? expiresAt));
    },
    async endSessions(reviewer, before, keepUntil) {
      endSessions(reviewer, before, keepUntil);
    },
    async sessionEnded(session) {
      if (revoked.has(session.id)) return true;
      const mark = ended.get(session.reviewer);
      return mark !== undefined && session.issuedAt < mark.before;
    },
    async recordCredentials(fingerprints, now, keepUntil) {
      const changed: string[] = [];
      for (const [reviewer, old] of credentials) {
        if (fingerprints[reviewer] === old) continue;
        changed.push(reviewer);
        endSessions(reviewer, now, keepUntil);
        if (!Object.hasOwn(fingerprints, reviewer)) credentials.delete(reviewer);
      }
      for (const [reviewer, fingerprint] of Object.entries(fingerprints))
        credentials.set(reviewer, fingerprint);
      return changed;
    },
    async useToken(tokenId, expiresAt) {
      if (used.has(tokenId)) return false;
      used.set(tokenId, expiresAt);
      return true;
    },
    async tokenUsed(tokenId) {
      return used.has(tokenId);
    },
    async releaseToken(tokenId) {
      used.delete(tokenId);
    },
    async updateSignInCounters(keys, now, change) {
      const current = new Map<string, SignInCounter>();
      for (const key of keys) {
        const c = counters.get(key);
        if (c && c.expiresAt > now) current.set(key, { ...c });
      }
      const { result, changes } = change(current);
      const fresh = [...changes].filter(([k, v]) => v && !counters.has(k)).length;
      if (fresh > 0 && !makeRoom(fresh, now, keys)) return "full";
      write(changes);
      return result;
    },
    async purge(now) {
      let n = 0;
      const drop = <V>(map: Map<string, V>, expiry: (v: V) => number) => {
        for (const [key, value] of map)
          if (expiry(value) <= now) {
            map.delete(key);
            n += 1;
          }
      };
      drop(revoked, (exp) => exp);
      drop(ended, (mark) => mark.keepUntil);
      drop(used, (exp) => exp);
      drop(counters, (c) => c.expiresAt);
      return n;
    },
    async size() {
      return revoked.size + ended.size + used.size + counters.size + credentials.size;
    },
  };
}
