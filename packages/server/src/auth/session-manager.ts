/**
 * @module auth/session-manager
 * Reviewer sessions in signed (HMAC) cookies, session-bound CSRF tokens, and log out
 * (revoked session ids are kept in the store's reviewer state until they would have expired
 * anyway, so a logout holds on every instance sharing the database, and after a restart).
 * A session carries a fingerprint of the account's password hash when it was issued, so
 * changing the password (a new hash) or removing the account ends every session made before
 * on an instance running the new accounts; {@link SessionManager.recordCredentials}, run
 * when an instance starts, tells the others too: it records each account's fingerprint in
 * the reviewer state and, for a changed or removed account, ends every session of that
 * reviewer issued before that moment, on every instance.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "@safeguards/core";
import type { ReviewerStateStore } from "../store/reviewer-state.js";
import { hmacBase64url, safeEqual, signToken, verifyToken } from "./signed-token.js";

/** A signed-in reviewer. */
export interface Session {
  /** Random session id. */
  sid: string;
  /** Reviewer name. */
  name: string;
  /** Expiry, ms since the epoch. */
  exp: number;
  /** Issue time, ms since the epoch (0 in cookies made before it was added). */
  iat: number;
  /** Fingerprint of the account's credential (password hash) at sign-in. */
  cred: string;
}

/** Options of {@link createSessionManager}. */
export interface SessionManagerOptions {
  secret: string;
  clock: Clock;
  /** Session lifetime. @default 8 hours */
  ttlMs?: number;
  /**
   * The reviewer's current password hash (`undefined`: no account or no password); a
   * session whose fingerprint no longer matches it is void.
   */
  credential: (name: string) => string | undefined;
  /** Where revoked and ended sessions are kept (shared by the instances on one database). */
  state: ReviewerStateStore;
}

/** Issues, reads and revokes sessions. */
export interface SessionManager {
  /** A new session and its cookie value. */
  issue(name: string): { session: Session; cookie: string };
  /** The session of a cookie value, if valid, unexpired and neither revoked nor ended. */
  read(cookie: string | undefined): Promise<Session | undefined>;
  /** Logs the session out, on every instance sharing the reviewer state. */
  revoke(session: Session): Promise<void>;
  /**
   * Records the credential fingerprints of the accounts `names` (those with a password) and
   * ends, everywhere, the sessions of reviewers whose password changed or whose account is
   * gone since the last record; answers their names.
   */
  recordCredentials(names: readonly string[]): Promise<string[]>;
  /** The CSRF token of a session (sent in forms and the `x-csrf-token` header). */
  csrfToken(session: Session): string;
  checkCsrf(session: Session, token: string | undefined): boolean;
  ttlMs: number;
}

const PURPOSE = "session";

/** Creates a {@link SessionManager}. */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const ttlMs = options.ttlMs ?? 8 * 3600_000;
  const { state } = options;
  const csrfToken = (session: Session) => hmacBase64url(options.secret, `csrf.${session.sid}`);
  const fingerprint = (name: string) => {
    const hash = options.credential(name);
    return hash === undefined ? undefined : hmacBase64url(options.secret, `cred.${hash}`);
  };
  return {
    ttlMs,
    issue(name) {
      const now = options.clock.now();
      const session = {
        sid: randomBytes(18).toString("base64url"),
        name,
        exp: now + ttlMs,
        iat: now,
        cred: fingerprint(name) ?? "",
      };
      return { session, cookie: signToken(options.secret, PURPOSE, session) };
    },
    async read(cookie) {
      if (!cookie) return undefined;
      const value = verifyToken(options.secret, PURPOSE, cookie) as Partial<Session> | undefined;
      if (
        !value ||
        typeof value.sid !== "string" ||
        typeof value.name !== "string" ||
        typeof value.exp !== "number" ||
        typeof value.cred !== "string" ||
        (value.iat !== undefined && typeof value.iat !== "number")
      )
        return undefined;
      if (value.exp <= options.clock.now()) return undefined;
      const current = fingerprint(value.name);
      if (current === undefined || !safeEqual(current, value.cred)) return undefined;
      const { sid, name, exp, cred } = value;
      const session: Session = { sid, name, exp, iat: value.iat ?? 0, cred };
      const ended = await state.sessionEnded({ id: sid, reviewer: name, issuedAt: session.iat });
      return ended ? undefined : session;
    },
    revoke: (session) => state.revokeSession(session.sid, session.exp),
    recordCredentials(names) {
      const fingerprints: Record<string, string> = {};
      for (const name of names) {
        const print = fingerprint(name);
        if (print !== undefined) fingerprints[name] = print;
      }
      const now = options.clock.now();
      return state.recordCredentials(fingerprints, now, now + ttlMs);
    },
    csrfToken,
    checkCsrf: (session, token) => token !== undefined && safeEqual(csrfToken(session), token),
  };
}
