/**
 * @module store/reviewer-state
 * What the reviewer side remembers between requests, kept in the store so that several
 * inbox instances on one database behave as one: revoked sessions, sessions ended by a
 * password change or a removed account, used email-link tokens, and sign-in failure
 * counters. Every implementation (memory, SQLite, PostgreSQL) gives the same guarantees:
 *
 * - each write is atomic across every process sharing the database (a token is used once,
 *   two concurrent counter updates never lose one);
 * - every entry carries an expiry and {@link ReviewerStateStore.purge} deletes the expired
 *   ones, so nothing grows without bound (the credential fingerprints are one per account);
 * - times are milliseconds since the epoch, always given by the caller (the inbox's clock).
 */

/** A sign-in failure counter of one throttle key. */
export interface SignInCounter {
  /** Failures counted. */
  failures: number;
  /** Locked until then (ms); 0 when the key never reached its limit (or was reset). */
  lockedUntil: number;
  /** The counter is forgotten then (ms): purged, and read as absent from then on. */
  expiresAt: number;
}

/**
 * The new value of each counter changed by {@link ReviewerStateStore.updateSignInCounters}:
 * `null` deletes it, a key left out stays as it was.
 */
export type SignInCounterChanges = Map<string, SignInCounter | null>;

/** A session as the store checks it. */
export interface SessionRef {
  /** Random session id. */
  id: string;
  reviewer: string;
  /** When it was issued (ms). */
  issuedAt: number;
}

/** The shared reviewer state (see the module comment for the guarantees). */
export interface ReviewerStateStore {
  /** Revokes one session (log out) until `expiresAt`, when it would have expired anyway. */
  revokeSession(sessionId: string, expiresAt: number): Promise<void>;
  /**
   * Ends every session of `reviewer` issued before `before`; the mark is kept until
   * `keepUntil` (the issue time plus the session lifetime). A later mark never moves
   * either time back.
   */
  endSessions(reviewer: string, before: number, keepUntil: number): Promise<void>;
  /** Whether the session was revoked or ended (issued before its reviewer's mark). */
  sessionEnded(session: SessionRef): Promise<boolean>;
  /**
   * Records the current credential fingerprint of every account (`reviewer -> fingerprint`)
   * and ends, as {@link endSessions} with `now`, the sessions of every reviewer whose
   * recorded fingerprint differs or who is no longer given (a removed account). Answers
   * those reviewers' names. A reviewer seen for the first time ends nothing.
   */
  recordCredentials(
    fingerprints: Record<string, string>,
    now: number,
    keepUntil: number,
  ): Promise<string[]>;
  /**
   * Marks a single-use token used until `expiresAt`: `true` for the one use that wins,
   * `false` when it was already used (by any process).
   */
  useToken(tokenId: string, expiresAt: number): Promise<boolean>;
  /** Whether the token was used. */
  tokenUsed(tokenId: string): Promise<boolean>;
  /**
   * Forgets a use of the token (the decision it was spent on was not recorded), so it can
   * be used again; a no-op when it was not marked.
   */
  releaseToken(tokenId: string): Promise<void>;
  /**
   * Reads the counters of `keys` (those expired at `now` read as absent), lets `change`
   * decide, and writes what it answers, atomically: no other update of these keys, in any
   * process, comes in between. Answers `change`'s result, or `"full"` (nothing written) when
   * a bounded store has no room for the new counters (only the memory store is bounded; it
   * never drops a locked counter to make room).
   */
  updateSignInCounters<T>(
    keys: readonly string[],
    now: number,
    change: (current: ReadonlyMap<string, SignInCounter>) => {
      result: T;
      changes: SignInCounterChanges;
    },
  ): Promise<T | "full">;
  /** Deletes every entry expired at `now`; answers how many. */
  purge(now: number): Promise<number>;
  /** Entries kept (expired ones included until purged), for tests and metrics. */
  size(): Promise<number>;
}
