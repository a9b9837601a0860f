/**
 * @module auth/reviewer-directory
 * Looks reviewers up by name, Slack user id or password, and answers their rights.
 * Passwords are checked with bcryptjs; an unknown name is checked against a dummy hash so
 * both answers take the same time.
 */
import bcrypt from "bcryptjs";
import type { StoredRecord } from "../store/action-store.js";
import { mayReview, type ReviewerAccount } from "./reviewer-account.js";

// bcrypt hash of a random string nobody knows, cost 10 (same cost as typical hashes).
const DUMMY_HASH = "$2b$10$y7J11qe2TbnE1hkF/cSPoOjV5y5C.Ua.jyUIHjngZOGFppx6BwC/m";

/** The configured reviewers. */
export interface ReviewerDirectory {
  get(name: string): ReviewerAccount | undefined;
  bySlackUserId(userId: string): ReviewerAccount | undefined;
  /** The account when `password` matches its hash, else `undefined`. */
  verifyPassword(name: string, password: string): Promise<ReviewerAccount | undefined>;
  /**
   * Whether the reviewer `name` may see and decide `record`, with the rights of the current
   * account; a name without an account (e.g. a removed reviewer's old email link) may not.
   */
  canAccess(name: string, record: StoredRecord): boolean;
  /** Accounts allowed to review `record`. */
  reviewersOf(record: StoredRecord): ReviewerAccount[];
  /** Account API tokens as `token -> name` (merged into the inbox's reviewer tokens). */
  tokens(): Record<string, string>;
}

/** Creates a {@link ReviewerDirectory} over checked accounts. */
export function createReviewerDirectory(accounts: ReviewerAccount[]): ReviewerDirectory {
  const byName = new Map(accounts.map((a) => [a.name, a]));
  const bySlack = new Map(
    accounts.filter((a) => a.slackUserId).map((a) => [a.slackUserId as string, a]),
  );
  return {
    get: (name) => byName.get(name),
    bySlackUserId: (id) => bySlack.get(id),
    async verifyPassword(name, password) {
      const account = byName.get(name);
      const hash = account?.passwordHash ?? DUMMY_HASH;
      const ok = await bcrypt.compare(password.slice(0, 200), hash);
      return ok && account?.passwordHash ? account : undefined;
    },
    canAccess(name, record) {
      const account = byName.get(name);
      return account ? mayReview(account, record) : false;
    },
    reviewersOf: (record) => accounts.filter((a) => mayReview(a, record)),
    tokens: () =>
      Object.fromEntries(accounts.filter((a) => a.token).map((a) => [a.token as string, a.name])),
  };
}
