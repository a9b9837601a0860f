/**
 * @module four-eyes
 * The four-eyes fixture the adapters' tests share: a transfer that needs two of finance and
 * escalates to the CFO, the reviewers and their groups, a scripted pair of approvals, and the
 * check of the request it files.
 */
import type {
  ApprovalRequest,
  InProcessApprovalChannel,
  InProcessReviewer,
  ToolPolicy,
} from "@safeguards/core";
import { expect } from "vitest";
import { approvals } from "./in-process-approvals.js";

/** Two of finance, the CFO after a minute. */
export const FOUR_EYES = {
  requiredApprovals: 2,
  assignees: ["group:finance"],
  escalation: [{ afterSeconds: 60, assignees: ["group:cfo"] }],
} satisfies ToolPolicy;

/** alice and bob in finance, carol the CFO, mallory in sales. */
export const FINANCE_REVIEWERS: InProcessReviewer[] = [
  { name: "alice", groups: ["finance"] },
  { name: "bob", groups: ["finance"] },
  { name: "carol", groups: ["cfo"] },
  { name: "mallory", groups: ["sales"] },
];

/**
 * In-process approvals (with {@link FINANCE_REVIEWERS}) whose scripted reviewers approve each
 * request as alice, then as bob; `between` collects what `progress` said in between (assert
 * that nothing ran after one approval).
 */
export function fourEyesReview(progress: () => unknown) {
  const kit = approvals({ reviewers: FINANCE_REVIEWERS });
  const between: unknown[] = [];
  kit.reviewer((request) => approveByTwo(kit.channel, request, () => between.push(progress())));
  return { ...kit, between };
}

function approveByTwo(
  channel: InProcessApprovalChannel,
  request: ApprovalRequest,
  between: () => void,
): void {
  expect(channel.approve(request.id, { reviewer: "alice" })).toBeNull();
  setImmediate(() => {
    between();
    channel.approve(request.id, { reviewer: "bob" });
  });
}

/** Checks that `request` carries {@link FOUR_EYES}. */
export function expectFourEyesRequest(request: ApprovalRequest | undefined): void {
  expect(request?.requiredApprovals).toBe(2);
  expect(request?.assignees).toEqual(["group:finance"]);
  expect(request?.escalation).toEqual([{ afterSeconds: 60, assignees: ["group:cfo"] }]);
}
