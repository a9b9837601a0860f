/**
 * @module auth/reviewer-account
 * Reviewer accounts, configured in code or in a JSON file: a name, a credential (bcrypt
 * password hash and/or API token), optional Slack user id and email address, and rights
 * (which agents and which tools the reviewer may see and decide, `"*"` for all), and the
 * groups the reviewer belongs to (an action assigned to `group:finance` may be decided by
 * the members of `finance`).
 */
import { readFileSync } from "node:fs";
import { InvalidConfigError, protocol } from "@safeguards/core";
import { z } from "zod";
import type { StoredRecord } from "../store/action-store.js";

const rights = z.union([z.literal("*"), z.array(z.string().min(1)).min(1)]);

/** Schema of one reviewer account (as written in code or in the JSON file). */
export const reviewerAccountSchema = z
  .strictObject({
    /** The protocol's reviewer name rule (no `:`, no control characters, single spaces). */
    name: protocol.reviewerNameSchema,
    passwordHash: z
      .string()
      .regex(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, "passwordHash must be a bcrypt hash")
      .optional(),
    token: z.string().min(16, "reviewer tokens must be at least 16 characters").optional(),
    slackUserId: z.string().min(1).optional(),
    email: z.email().optional(),
    agents: rights.optional(),
    tools: rights.optional(),
    /** Groups (`finance`, ...): the reviewer may decide actions assigned to `group:<name>`. */
    groups: z
      .array(protocol.groupNameSchema)
      .max(protocol.MAX_ASSIGNEES)
      .refine((g) => new Set(g).size === g.length, "groups must not repeat")
      .optional(),
  })
  .refine((a) => a.passwordHash !== undefined || a.token !== undefined, {
    message: "give a passwordHash (web sign-in) and/or a token (API)",
  })
  .refine((a) => a.agents !== undefined || a.tools !== undefined, {
    message: 'give the rights: agents and/or tools (a list of names, or "*" for all)',
  });

/** One reviewer account. */
export type ReviewerAccount = z.output<typeof reviewerAccountSchema>;

/** Accounts in code, or the path of a JSON file holding `[...]` or `{"reviewers": [...]}`. */
export type ReviewerAccountsSource = ReviewerAccount[] | string;

/** Parses and checks the accounts (unique names, tokens and Slack ids). */
export function loadReviewerAccounts(source: ReviewerAccountsSource): ReviewerAccount[] {
  let raw: unknown = source;
  if (typeof source === "string") {
    try {
      raw = JSON.parse(readFileSync(source, "utf8"));
    } catch (error) {
      throw new InvalidConfigError(`reviewers: cannot read accounts file ${source}`, {
        cause: error,
      });
    }
    if (raw && typeof raw === "object" && !Array.isArray(raw))
      raw = (raw as { reviewers?: unknown }).reviewers;
  }
  const result = z.array(reviewerAccountSchema).min(1).safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidConfigError(
      `reviewers: invalid account ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
      { details: { issues: result.error.issues } },
    );
  }
  for (const key of ["name", "token", "slackUserId"] as const) {
    const seen = new Set<string>();
    for (const account of result.data) {
      const value = account[key];
      if (value === undefined) continue;
      if (seen.has(value))
        throw new InvalidConfigError(
          `reviewers: duplicate ${key} "${key === "token" ? "***" : value}"`,
        );
      seen.add(value);
    }
  }
  return result.data;
}

const allows = (list: ReviewerAccount["agents"], value: string | undefined) =>
  list === undefined || list === "*" || (value !== undefined && list.includes(value));

/** Whether `account` may see and decide `record` (its agent and its tool are both allowed). */
export function mayReview(account: ReviewerAccount, record: StoredRecord): boolean {
  return allows(account.agents, record.agent_id) && allows(account.tools, record.action?.name);
}
