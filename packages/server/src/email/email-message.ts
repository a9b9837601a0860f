/**
 * @module email/email-message
 * The approval request email: plain text and escaped HTML with the request, its arguments
 * and the Approve / Reject / Review links.
 */
import type { protocol } from "@safeguards/core";
import { argsTable } from "../ui/action-view.js";
import { html } from "../ui/html.js";
import { approvalProgress, assigneesText } from "../ui/quorum-view.js";

/** Links of one reviewer's email. */
export interface EmailLinks {
  approve?: string;
  reject?: string;
  review: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: collapsing them is the point
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();

/**
 * Subject, text and HTML of the request email. `escalatedTo` (the assignees an escalation
 * step added) makes it the escalation notice: "Escalated to you: ...".
 */
export function requestEmail(
  record: protocol.ActionRecord,
  links: EmailLinks,
  escalatedTo?: readonly string[],
): { subject: string; text: string; html: string } {
  const escalated = escalatedTo ? `Escalated to ${escalatedTo.join(", ")}` : "";
  const subject =
    `[Safeguards] ${escalatedTo ? "Escalated to you: " : ""}${record.severity}: ${oneLine(record.title)}`.slice(
      0,
      200,
    );
  const args = record.action ? JSON.stringify(record.action.args, null, 2) : "";
  const progress = approvalProgress(record);
  const assigned = record.assignees?.length ? `Assigned to: ${assigneesText(record)}` : "";
  const text = [
    record.title,
    "",
    escalated ? `${escalated}: it is still waiting for a decision.` : "",
    assigned,
    progress ? `Approvals: ${progress}` : "",
    `Agent: ${record.agent_id}`,
    `Severity: ${record.severity}`,
    record.action ? `Tool: ${record.action.name}` : "",
    `Expires: ${record.expires_at}`,
    "",
    record.description,
    "",
    args ? `Arguments:\n${args}\n` : "",
    links.approve ? `Approve: ${links.approve}` : "",
    links.reject ? `Reject: ${links.reject}` : "",
    `Review / modify: ${links.review}`,
    "",
    "Opening a link only shows a confirmation page; nothing is decided until you confirm.",
  ]
    .filter((line, i, all) => line !== "" || all[i - 1] !== "")
    .join("\n");
  const body = html`<!doctype html><html><body style="font-family:sans-serif">
<h2>${record.title}</h2>
${escalated ? html`<p><b>${escalated}</b>: it is still waiting for a decision.</p>` : ""}
${assigned ? html`<p>${assigned}</p>` : ""}${progress ? html`<p>Approvals: ${progress}</p>` : ""}
<p>Agent <b>${record.agent_id}</b> · ${record.severity}${record.action ? html` · tool <code>${record.action.name}</code>` : ""} · expires ${record.expires_at}</p>
<pre style="white-space:pre-wrap;font-family:inherit">${record.description}</pre>
${record.action ? argsTable(record.action.args, "Arguments") : ""}
<p>${links.approve ? html`<a href="${links.approve}">Approve</a> · ` : ""}${links.reject ? html`<a href="${links.reject}">Reject</a> · ` : ""}<a href="${links.review}">Review / modify</a></p>
<p style="color:#667085">Opening a link only shows a confirmation page; nothing is decided until you confirm.</p>
</body></html>`;
  return { subject, text, html: body.value };
}
