/**
 * @module auth/session-manager
 * Reviewer sessions in signed (HMAC) cookies, session-bound CSRF tokens, and log out
 * (revoked session ids are remembered until they would have expired anyway). A session
 * carries a fingerprint of the account's password hash when it was issued, so changing the
 * password (a new hash) or removing the account ends every session made before.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "@safeguards/core";
import { hmacBase64url, safeEqual, signToken, verifyToken } from "./signed-token.js";

/** A signed-in reviewer. */
export interface Session {
  /** Random session id. */
  sid: string;
  /** Reviewer name. */
  name: string;
  /** Expiry, ms since the epoch. */
  exp: number;
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
}

/** Issues, reads and revokes sessions. */
export interface SessionManager {
  /** A new session and its cookie value. */
  issue(name: string): { session: Session; cookie: string };
  /** The session of a cookie value, if valid, unexpired and not revoked. */
  read(cookie: string | undefined): Session | undefined;
  revoke(session: Session): void;
  /** The CSRF token of a session (sent in forms and the `x-csrf-token` header). */
  csrfToken(session: Session): string;
  checkCsrf(session: Session, token: string | undefined): boolean;
  ttlMs: number;
}

const PURPOSE = "session";

/** Creates a {@link SessionManager}. */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const ttlMs = options.ttlMs ?? 8 * 3600_000;
  const revoked = new Map<string, number>();
  const prune = (now: number) => {
    for (const [sid, exp] of revoked) if (exp <= now) revoked.delete(sid);
  };
  const csrfToken = (session: Session) => hmacBase64url(options.secret, `csrf.${session.sid}`);
  const fingerprint = (name: string) => {
    const hash = options.credential(name);
    return hash === undefined ? undefined : hmacBase64url(options.secret, `cred.${hash}`);
  };
  return {
    ttlMs,
    issue(name) {
      const session = {
        sid: randomBytes(18).toString("base64url"),
        name,
        exp: options.clock.now() + ttlMs,
        cred: fingerprint(name) ?? "",
      };
      return { session, cookie: signToken(options.secret, PURPOSE, session) };
    },
    read(cookie) {
      if (!cookie) return undefined;
      const value = verifyToken(options.secret, PURPOSE, cookie) as Partial<Session> | undefined;
      if (
        !value ||
        typeof value.sid !== "string" ||
        typeof value.name !== "string" ||
        typeof value.exp !== "number" ||
        typeof value.cred !== "string"
      )
        return undefined;
      const now = options.clock.now();
      if (value.exp <= now || revoked.has(value.sid)) return undefined;
      const current = fingerprint(value.name);
      if (current === undefined || !safeEqual(current, value.cred)) return undefined;
      return { sid: value.sid, name: value.name, exp: value.exp, cred: value.cred };
    },
    revoke(session) {
      prune(options.clock.now());
      revoked.set(session.sid, session.exp);
    },
    csrfToken,
    checkCsrf: (session, token) => token !== undefined && safeEqual(csrfToken(session), token),
  };
}
