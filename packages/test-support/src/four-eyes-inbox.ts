/**
 * @module four-eyes-inbox
 * The four-eyes fixture over HTTP: a test inbox whose reviewer accounts have groups (alice
 * and bob in finance, carol the CFO, mallory in sales), an agent's channel and handler to it,
 * and a scripted pair of finance reviewers deciding over the inbox's API
 * (`fourEyesInboxWithReviewers`: all of it at once, as every adapter's test starts it).
 */
import { expect } from "vitest";
import { FINANCE_REVIEWERS } from "./four-eyes.js";
import { inboxHandler } from "./inbox-handler.js";

/** The API token of one of {@link FINANCE_REVIEWERS}' accounts. */
export const financeTokenOf = (name: string) => `token-of-${name}-four-eyes`;

/** One answer of the inbox to a scripted decision. */
export interface FourEyesAnswer {
  reviewer: string;
  status: number;
  body: { status?: string; error?: { code: string }; [key: string]: unknown };
}

/**
 * Starts the inbox (accounts of {@link FINANCE_REVIEWERS}), a `HumanInTheLoopChannel` for
 * `agentId` and a handler over it, all closed by `defer`.
 */
export function fourEyesInbox(defer: (cleanup: () => unknown) => void, agentId = "bank-bot") {
  return inboxHandler(defer, agentId, {
    reviewerTokens: {},
    reviewers: {
      secret: "four-eyes-secret-0123456789abcdef",
      accounts: FINANCE_REVIEWERS.map((r) => ({
        name: r.name,
        token: financeTokenOf(r.name),
        groups: [...(r.groups ?? [])],
        agents: "*" as const,
      })),
    },
  });
}

/**
 * Polls the pending actions as alice; for each new one: alice approves, alice approves again
 * (refused: already_approved), mallory (sales) approves (refused: forbidden), `progress` is
 * noted in `between` (nothing must have run yet), then bob approves. `answers` holds every
 * answer and `records` the record of each action as listed (assignees, required_approvals,
 * escalation).
 */
export function fourEyesInboxReviewers(url: string, progress: () => unknown) {
  const between: unknown[] = [];
  const seen = new Set<string>();
  const answers: FourEyesAnswer[] = [];
  const records: Record<string, unknown>[] = [];
  let stopped = false;
  const send = async (reviewer: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${financeTokenOf(reviewer)}`,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { reviewer, status: res.status, body: (await res.json()) as FourEyesAnswer["body"] };
  };
  const loop = (async () => {
    while (!stopped) {
      const list = await send("alice", "/actions?status=pending");
      for (const record of (list.body.actions ?? []) as { id: string }[]) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
        records.push(record);
        const path = `/actions/${encodeURIComponent(record.id)}/decision`;
        answers.push(await send("alice", path, { type: "approve", comments: "ok" }));
        answers.push(await send("alice", path, { type: "approve" }));
        answers.push(await send("mallory", path, { type: "approve" }));
        between.push(progress());
        answers.push(await send("bob", path, { type: "approve" }));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const summary = () =>
    answers.map((a) => `${a.reviewer}:${a.status}:${a.body.error?.code ?? a.body.status}`);
  return {
    answers,
    records,
    between,
    /** Status and `status`/error code of each answer, as `reviewer:status:what`. */
    summary,
    stop: async () => {
      stopped = true;
      await loop;
    },
    /**
     * Stops, then checks the one action: filed with the four-eyes fields, answered as a quorum
     * inbox answers, and `progress` was `nothingYet` after the first approval.
     */
    async expectFourEyes(nothingYet: unknown = 0) {
      stopped = true;
      await loop;
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        required_approvals: 2,
        assignees: ["group:finance"],
        escalation: [{ after_seconds: 60, assignees: ["group:cfo"] }],
      });
      expect(summary()).toEqual([
        "alice:200:pending",
        "alice:409:already_approved",
        "mallory:403:forbidden",
        "bob:200:approved",
      ]);
      expect(between).toEqual([nothingYet]);
    },
  };
}

/**
 * {@link fourEyesInbox} for `agentId` with {@link fourEyesInboxReviewers} deciding (noting
 * `progress` between the approvals), all stopped by `defer`.
 */
export async function fourEyesInboxWithReviewers(
  defer: (cleanup: () => unknown) => void,
  progress: () => unknown,
  agentId = "bank-bot",
) {
  const { url, handler, channel } = await fourEyesInbox(defer, agentId);
  const reviewers = fourEyesInboxReviewers(url, progress);
  defer(() => reviewers.stop());
  return { url, handler, channel, reviewers };
}
