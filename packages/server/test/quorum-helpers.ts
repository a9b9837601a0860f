/**
 * @module test/quorum-helpers
 * Inboxes for the quorum and escalation tests: reviewer accounts with groups (finance, cfo,
 * sales) and API tokens, over each store kind (memory, SQLite file, PostgreSQL database
 * when one is configured), plus request and decision shortcuts.
 */
import type { Clock, protocol } from "@safeguards/core";
import { createTestDatabase, PG_TEST_URL, testInboxOptions } from "@safeguards/test-support";
import type { ReviewerAccount } from "../src/auth/reviewer-account.js";
import { createInbox, type Inbox, type InboxOptions } from "../src/create-inbox.js";
import { call, requestBody, tempDbPath } from "./helpers.js";

/** Reviewer accounts: four of finance, one CFO, one of sales. */
export const ACCOUNTS: ReviewerAccount[] = [
  ["alice", ["finance"]],
  ["bob", ["finance"]],
  ["frank", ["finance", "ops"]],
  ["gina", ["finance"]],
  ["carol", ["cfo"]],
  ["dave", ["sales"]],
].map(([name, groups]) => ({
  name: name as string,
  token: `token-of-${name}-0123456789`,
  groups: groups as string[],
  agents: "*" as const,
}));

/** The API token of a reviewer account. */
export const tokenOf = (name: string) => `token-of-${name}-0123456789`;

/** A plain reviewer token (no account, so no groups) of the reviewer `zed`. */
export const PLAIN_TOKEN = "plain-reviewer-token-of-zed";

/** A store the tests can open again (restarts, several instances). */
export interface StoreKind {
  name: string;
  /**
   * A new, empty store location: `"memory"`, a SQLite path or a PostgreSQL URL (its
   * database dropped by `defer` after the test).
   */
  location(defer: (cleanup: () => unknown) => void): Promise<string>;
  /** Whether two inboxes can share one location. */
  shared: boolean;
}

/** Memory, SQLite and (when configured) PostgreSQL. */
export const STORE_KINDS: StoreKind[] = [
  { name: "memory", location: async () => "memory", shared: false },
  { name: "sqlite", location: async () => tempDbPath(), shared: true },
  ...(PG_TEST_URL
    ? [
        {
          name: "postgres",
          shared: true,
          async location(defer: (cleanup: () => unknown) => void) {
            const db = await createTestDatabase();
            defer(() => db.drop());
            return db.url;
          },
        },
      ]
    : []),
];

/**
 * Starts an inbox on `store` with the accounts (and `clock`), closed by `defer`; `before`
 * sees it before it starts (to subscribe to events its first sweep emits).
 */
export async function startQuorumInbox(
  store: string,
  defer: (cleanup: () => unknown) => void,
  options: Partial<InboxOptions> & { clock?: Clock } = {},
  before: (inbox: Inbox) => void = () => {},
) {
  const inbox = createInbox(
    testInboxOptions({
      store,
      reviewers: { accounts: ACCOUNTS, secret: "s".repeat(32) },
      reviewerTokens: { [PLAIN_TOKEN]: "zed" },
      ...options,
    }),
  );
  defer(() => inbox.close());
  before(inbox);
  const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
  return { inbox, url };
}

/** A transfer request needing `quorum` fields, expiring in an hour on `clock`. */
export function quorumRequest(
  clock: Pick<Clock, "now">,
  fields: Partial<protocol.ApprovalRequestBody>,
): protocol.ApprovalRequestBody {
  return requestBody(clock, fields, 3_600_000);
}

/** Decides as the named reviewer account. */
export const decideBy = (url: string, reviewer: string, id: string, body: unknown) =>
  call(url, `/actions/${encodeURIComponent(id)}/decision`, { token: tokenOf(reviewer), body });

/** Reads an action as the named reviewer account. */
export const viewBy = (url: string, reviewer: string, id: string) =>
  call(url, `/actions/${encodeURIComponent(id)}`, { token: tokenOf(reviewer) });

/** The ids of the pending actions the named reviewer is shown. */
export async function listedFor(url: string, reviewer: string): Promise<string[]> {
  const { body } = await call(url, "/actions?status=pending&limit=200", {
    token: tokenOf(reviewer),
  });
  return (body as protocol.ActionListResponse).actions.map((a) => a.id);
}
