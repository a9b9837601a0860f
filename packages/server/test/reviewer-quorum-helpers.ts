/**
 * @module test/reviewer-quorum-helpers
 * Fixtures of the reviewer-side four-eyes tests: the usual accounts plus dave, the CFO
 * (group `cfo`, every agent, an email and a Slack id), and a request of the other agent
 * (alice and bob both have rights to it) that needs two approvals of alice and bob and
 * escalates to `group:cfo` after a minute.
 */
import type { Clock, protocol } from "@safeguards/core";
import bcrypt from "bcryptjs";
import type { ReviewerAccount } from "../src/auth/reviewer-account.js";
import { AGENT_B, requestBody } from "./helpers.js";
import { testAccounts } from "./ui-helpers.js";

/** dave, the CFO: reached by escalation only. */
export const DAVE = {
  name: "dave",
  password: "dave-pw-4444",
  token: "dave-account-token-0000",
  email: "dave@example.test",
  slackUserId: "UDAVE",
};

/** The test accounts plus dave (group `cfo`). */
export function quorumAccounts(): ReviewerAccount[] {
  return [
    ...testAccounts(),
    {
      name: DAVE.name,
      passwordHash: bcrypt.hashSync(DAVE.password, 4),
      token: DAVE.token,
      email: DAVE.email,
      slackUserId: DAVE.slackUserId,
      groups: ["cfo"],
      agents: "*",
    },
  ];
}

/** Seconds after filing when {@link quorumBody} escalates to `group:cfo`. */
export const ESCALATE_AFTER_SECONDS = 60;

/** A four-eyes request of the other agent: alice and bob must both approve. */
export function quorumBody(
  clock: Pick<Clock, "now">,
  overrides: Partial<protocol.ApprovalRequestBody> = {},
): protocol.ApprovalRequestBody {
  return requestBody(clock, {
    agent_id: AGENT_B,
    title: "Pay 60,000.00 to ACME",
    assignees: ["alice", "bob"],
    required_approvals: 2,
    escalation: [{ after_seconds: ESCALATE_AFTER_SECONDS, assignees: ["group:cfo"] }],
    ...overrides,
  });
}
