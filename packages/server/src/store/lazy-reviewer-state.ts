/**
 * @module store/lazy-reviewer-state
 * The {@link ReviewerStateStore} of a {@link lazyStore}: each call waits for the driver's
 * store (loaded by the inbox's start) and goes to its reviewer state.
 */
import type { ReviewerStateStore } from "./reviewer-state.js";

/** Forwards every call to the reviewer state `load` answers (called at each use). */
export function lazyReviewerState(load: () => Promise<ReviewerStateStore>): ReviewerStateStore {
  return {
    revokeSession: async (id, expiresAt) => (await load()).revokeSession(id, expiresAt),
    endSessions: async (reviewer, before, keepUntil) =>
      (await load()).endSessions(reviewer, before, keepUntil),
    sessionEnded: async (session) => (await load()).sessionEnded(session),
    recordCredentials: async (fingerprints, now, keepUntil) =>
      (await load()).recordCredentials(fingerprints, now, keepUntil),
    useToken: async (id, expiresAt) => (await load()).useToken(id, expiresAt),
    tokenUsed: async (id) => (await load()).tokenUsed(id),
    releaseToken: async (id) => (await load()).releaseToken(id),
    updateSignInCounters: async (keys, now, change) =>
      (await load()).updateSignInCounters(keys, now, change),
    purge: async (now) => (await load()).purge(now),
    size: async () => (await load()).size(),
  };
}
