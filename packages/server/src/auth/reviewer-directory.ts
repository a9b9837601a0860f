/**
 * @module auth/reviewer-directory
 * Looks reviewers up by name, Slack user id or password, and answers their rights.
 * Passwords are checked with bcryptjs; an unknown name is checked against a dummy hash made
 * at start with the highest cost among the accounts' hashes, so both answers take the same
 * time.
 */
import { randomBytes } from "node:crypto";
import { isAssignee } from "@safeguards/core/internal";
import bcrypt from "bcryptjs";
import type { StoredRecord } from "../store/action-store.js";
import { mayReview, type ReviewerAccount } from "./reviewer-account.js";

/** Lowest bcrypt cost that is not warned about. */
export const MIN_BCRYPT_COST = 10;

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
  /**
   * Accounts that may decide `record`: rights to its agent and tool, and an assignee of it
   * (core's `isAssignee`, by name or group). With `assignees`, those entries are matched
   * instead of the record's (an escalation step's, to tell only the reviewers it added).
   */
  reviewersOf(record: StoredRecord, assignees?: readonly string[] | null): ReviewerAccount[];
  /** Account API tokens as `token -> name` (merged into the inbox's reviewer tokens). */
  tokens(): Record<string, string>;
  /** Warnings about the accounts (bcrypt costs below {@link MIN_BCRYPT_COST}). */
  warnings: string[];
}

/** Creates a {@link ReviewerDirectory} over checked accounts. */
export function createReviewerDirectory(accounts: ReviewerAccount[]): ReviewerDirectory {
  const byName = new Map(accounts.map((a) => [a.name, a]));
  const bySlack = new Map(
    accounts.filter((a) => a.slackUserId).map((a) => [a.slackUserId as string, a]),
  );
  const costs = accounts.flatMap((a) =>
    a.passwordHash ? [{ name: a.name, cost: bcrypt.getRounds(a.passwordHash) }] : [],
  );
  const weak = costs.filter((c) => c.cost < MIN_BCRYPT_COST);
  // Same cost as the slowest account hash: an unknown name costs what a known one costs.
  const dummyCost = Math.max(4, ...costs.map((c) => c.cost));
  let dummy: Promise<string> | undefined;
  const dummyHash = () => {
    dummy ??= bcrypt.hash(randomBytes(16).toString("hex"), dummyCost);
    return dummy;
  };
  if (costs.length) void dummyHash(); // made at start, not on the first sign-in
  return {
    warnings: weak.length
      ? [
          `reviewers: bcrypt cost below ${MIN_BCRYPT_COST} for ${weak
            .map((w) => `${w.name} (cost ${w.cost})`)
            .join(", ")}: such hashes are cheap to crack; re-hash with cost 12 (hashPassword)`,
        ]
      : [],
    get: (name) => byName.get(name),
    bySlackUserId: (id) => bySlack.get(id),
    async verifyPassword(name, password) {
      const account = byName.get(name);
      const hash = account?.passwordHash ?? (await dummyHash());
      const ok = await bcrypt.compare(password.slice(0, 200), hash);
      return ok && account?.passwordHash ? account : undefined;
    },
    canAccess(name, record) {
      const account = byName.get(name);
      return account ? mayReview(account, record) : false;
    },
    reviewersOf: (record, assignees = record.assignees) =>
      accounts.filter((a) => mayReview(a, record) && isAssignee(a, assignees)),
    tokens: () =>
      Object.fromEntries(accounts.filter((a) => a.token).map((a) => [a.token as string, a.name])),
  };
}
