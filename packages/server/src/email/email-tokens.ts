/**
 * @module email/email-tokens
 * Signed (HMAC), expiring, single-use tokens for the Approve / Reject links in emails. A
 * token names one action, one decision and one reviewer; once used (or once the action is
 * decided any other way) it decides nothing more. A use whose decision was not recorded (a
 * refusal, a store failure) is released, so the link still works. The "used" mark is kept in the store's
 * reviewer state until the token expires, so a link used on one instance is refused by
 * every instance sharing the database, and after a restart.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "@safeguards/core";
import { signToken, verifyToken } from "../auth/signed-token.js";
import type { ReviewerStateStore } from "../store/reviewer-state.js";

/** The decision an email link offers. */
export type EmailDecision = "approve" | "reject";

/** What a link token carries. */
export interface EmailTokenPayload {
  /** Action id. */
  a: string;
  /** Decision. */
  d: EmailDecision;
  /** Reviewer name. */
  r: string;
  /** Expiry, ms since the epoch. */
  exp: number;
  /** Nonce (single use). */
  n: string;
}

/** Result of {@link EmailTokens.check}. */
export type EmailTokenCheck =
  | { ok: true; payload: EmailTokenPayload }
  | { ok: false; reason: "invalid" | "expired" | "used" };

/** Issues, checks and consumes link tokens. */
export interface EmailTokens {
  issue(actionId: string, decision: EmailDecision, reviewer: string, expiresAt: number): string;
  check(token: string): Promise<EmailTokenCheck>;
  /** Marks the token used; `false` when it already was (a concurrent use won, anywhere). */
  consume(payload: EmailTokenPayload): Promise<boolean>;
  /** Undoes a {@link consume} whose decision was not recorded: the link works again. */
  release(payload: EmailTokenPayload): Promise<void>;
}

/** Options of {@link createEmailTokens}. */
export interface EmailTokensOptions {
  /** Key that signs the links. */
  secret: string;
  clock: Clock;
  /** Where used tokens are marked (shared by the instances on one database). */
  state: ReviewerStateStore;
}

const PURPOSE = "email-link";

/** Creates {@link EmailTokens}. Used nonces are remembered until their tokens expire. */
export function createEmailTokens(options: EmailTokensOptions): EmailTokens {
  const { state } = options;
  return {
    issue(actionId, decision, reviewer, expiresAt) {
      const payload: EmailTokenPayload = {
        a: actionId,
        d: decision,
        r: reviewer,
        exp: expiresAt,
        n: randomBytes(16).toString("base64url"),
      };
      return signToken(options.secret, PURPOSE, payload);
    },
    async check(token) {
      const p = verifyToken(options.secret, PURPOSE, token) as
        | Partial<EmailTokenPayload>
        | undefined;
      if (
        !p ||
        typeof p.a !== "string" ||
        (p.d !== "approve" && p.d !== "reject") ||
        typeof p.r !== "string" ||
        typeof p.exp !== "number" ||
        typeof p.n !== "string"
      )
        return { ok: false, reason: "invalid" };
      if (await state.tokenUsed(p.n)) return { ok: false, reason: "used" };
      if (p.exp <= options.clock.now()) return { ok: false, reason: "expired" };
      return { ok: true, payload: p as EmailTokenPayload };
    },
    consume: (payload) => state.useToken(payload.n, payload.exp),
    release: (payload) => state.releaseToken(payload.n),
  };
}
