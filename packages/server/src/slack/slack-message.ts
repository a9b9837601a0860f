/**
 * @module slack/slack-message
 * Block Kit messages: the request (details, Approve / Reject buttons, a "Review / modify"
 * link) and the outcome that replaces it. Agent text is escaped for mrkdwn.
 */
import type { protocol } from "@safeguards/core";
import { escapeSlackMrkdwn } from "@safeguards/core/internal";
import { approvalProgress, assigneesText, escalationSteps } from "../ui/quorum-view.js";

/** `action_id`s of the buttons. */
export const SLACK_ACTION = {
  APPROVE: "safeguards_approve",
  REJECT: "safeguards_reject",
  REVIEW: "safeguards_review",
} as const;

type Block = Record<string, unknown>;
const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
const md = (text: string, max = 2900) => ({
  type: "mrkdwn",
  text: escapeSlackMrkdwn(cut(text, max)),
});
const plain = (text: string, max = 150) => ({ type: "plain_text", text: cut(text, max) || " " });

// plain_text (the header) is never parsed for mentions or links; mrkdwn and `text` are escaped.
const details = (record: protocol.ActionRecord): Block[] => [
  { type: "header", text: plain(record.title) },
  {
    type: "section",
    fields: [
      { type: "mrkdwn", text: `*Severity*\n${record.severity}` },
      { type: "mrkdwn", text: `*Agent*\n${escapeSlackMrkdwn(cut(record.agent_id, 200))}` },
      ...(record.action
        ? [{ type: "mrkdwn", text: `*Tool*\n${escapeSlackMrkdwn(cut(record.action.name, 200))}` }]
        : []),
      { type: "mrkdwn", text: `*Expires*\n${record.expires_at}` },
      ...approvalFields(record),
    ],
  },
  ...(record.description ? [{ type: "section", text: md(record.description) }] : []),
  ...(record.action
    ? [
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `*Arguments*\n\`\`\`${escapeSlackMrkdwn(cut(JSON.stringify(record.action.args, null, 2), 2800))}\`\`\``,
          },
        },
      ]
    : []),
];

/** Who the action is assigned to and the approvals so far ("1 of 2 approvals (alice)"). */
const approvalFields = (record: protocol.ActionRecord): Block[] => {
  const progress = approvalProgress(record);
  return [
    ...(record.assignees?.length
      ? [
          {
            type: "mrkdwn",
            text: `*Assigned to*\n${escapeSlackMrkdwn(cut(assigneesText(record), 500))}`,
          },
        ]
      : []),
    ...(progress
      ? [{ type: "mrkdwn", text: `*Approvals*\n${escapeSlackMrkdwn(cut(progress, 500))}` }]
      : []),
  ];
};

/** The escalation steps applied so far ("Escalated to group:cfo at ..."), as a context block. */
const escalationNote = (record: protocol.ActionRecord): Block[] => {
  const applied = escalationSteps(record).filter((s) => s.appliedAt);
  if (applied.length === 0) return [];
  const lines = applied.map((s) => `Escalated to ${s.assignees.join(", ")} at ${s.appliedAt}`);
  return [
    {
      type: "context",
      block_id: "safeguards_escalation",
      elements: [md(lines.join("\n"), 2000)],
    },
  ];
};

/** The request message with its buttons. */
export function requestMessage(record: protocol.ActionRecord, reviewUrl: string) {
  const allowed = new Set(record.allowed_decisions);
  const button = (actionId: string, text: string, style: string) => ({
    type: "button",
    action_id: actionId,
    text: plain(text),
    style,
    value: record.id,
  });
  return {
    text: escapeSlackMrkdwn(cut(`Approval needed: ${record.title}`, 3000)),
    blocks: [
      ...details(record),
      ...escalationNote(record),
      {
        type: "actions",
        block_id: "safeguards_decide",
        elements: [
          ...(allowed.has("approve") ? [button(SLACK_ACTION.APPROVE, "Approve", "primary")] : []),
          ...(allowed.has("reject") ? [button(SLACK_ACTION.REJECT, "Reject", "danger")] : []),
          {
            type: "button",
            action_id: SLACK_ACTION.REVIEW,
            text: plain("Review / modify"),
            url: reviewUrl,
          },
        ],
      },
    ],
  };
}

/** The message once decided: details plus who decided what, no buttons. */
export function outcomeMessage(record: protocol.ActionRecord) {
  const d = record.decision;
  const who = d?.reviewer ? ` by ${escapeSlackMrkdwn(d.reviewer)}` : "";
  const outcome = `*${record.status.toUpperCase().replace("_", " ")}*${who}${d ? ` at ${d.decided_at}` : ""}`;
  return {
    text: escapeSlackMrkdwn(cut(`${record.status}: ${record.title}`, 3000)),
    blocks: [
      ...details(record),
      { type: "section", block_id: "safeguards_outcome", text: { type: "mrkdwn", text: outcome } },
      ...(d?.comments ? [{ type: "context", elements: [md(d.comments, 2000)] }] : []),
    ],
  };
}
