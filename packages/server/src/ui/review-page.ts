/**
 * @module ui/review-page
 * One action: title, severity, agent, time left, the description as text, the arguments
 * exactly, the changes earlier modifications proposed, the approvals, assignees and
 * escalation timeline (`quorum-view.ts`), the audit trail, and (while pending) Approve,
 * Reject with a reason and Modify, or, for a reviewer whose approval is counted, "waiting
 * for N more approvals" and Reject only (a veto stays open to them).
 * The Modify form is built by the script from the action's `args_schema`, carried in a
 * JSON data block (never executed).
 */
import type { JsonObject } from "@safeguards/core";
import { applyModification } from "@safeguards/core/internal";
import type { AuditEntry, StoredRecord } from "../store/action-store.js";
import {
  agentTimeoutNotice,
  argsTable,
  auditTrail,
  decider,
  severityBadge,
  timeLeft,
} from "./action-view.js";
import { html, jsonData } from "./html.js";
import { layout, type PageContext } from "./layout.js";
import { approvalsSection, approvedBy, waitingText } from "./quorum-view.js";

/** The review page of `record`. */
export function reviewPage(ctx: PageContext, record: StoredRecord, audit: AuditEntry[]): string {
  const pending = record.status === "pending";
  // A reviewer whose approval is counted waits for the others; they may still veto (reject).
  const approved = ctx.reviewer !== undefined && approvedBy(record, ctx.reviewer);
  const allowed = new Set(record.allowed_decisions);
  const filed = record.action ? record.action.args : record.metadata;
  // The arguments under review: as filed, with the changes earlier modifications proposed.
  const changes = pending ? (record.proposed_changes as JsonObject | null | undefined) : null;
  const target = changes ? applyModification(filed as JsonObject, changes) : filed;
  const decision = record.decision;
  const body = html`<article class="review" id="review" data-id="${record.id}" data-status="${record.status}"
 data-decision-url="${ctx.base}/review/${encodeURIComponent(record.id)}/decision"
 data-events-url="${ctx.base}/ui/events">
<p><a href="${ctx.base}/inbox" class="back">← Inbox</a></p>
<h1 class="title">${record.title}</h1>
<p class="meta">${severityBadge(record.severity)} agent <strong class="agent">${record.agent_id}</strong>${
    record.action ? html` · tool <code class="tool">${record.action.name}</code>` : ""
  } · <span class="status status-${record.status}">${record.status}</span>${pending ? html` · ${timeLeft(record)}` : ""}</p>
<section><h2>Description</h2><pre class="description">${record.description}</pre></section>
${record.action ? argsTable(record.action.args, "Arguments") : ""}
${argsTable(record.metadata, "Metadata")}
${changes ? argsTable(changes, "Proposed changes (under review: approving approves them)") : ""}
${approvalsSection(record, ctx.reviewer)}
${
  decision
    ? html`<section class="decision"><h2>Decision</h2>
<p><strong>${record.status}</strong> by <strong class="decider">${decider(record)}</strong> at <time datetime="${decision.decided_at}">${decision.decided_at}</time></p>
${agentTimeoutNotice(record)}
${decision.comments ? html`<p>Reason / comments: <q class="comments">${decision.comments}</q></p>` : ""}
${decision.response_data ? argsTable(decision.response_data, "Changed fields") : ""}
</section>`
    : ""
}
${
  pending
    ? html`<section class="decide" id="decide">
<h2>Decide</h2>
${
  approved
    ? html`<p class="waiting" id="waiting" role="status">You approved; ${waitingText(record)}.${
        allowed.has("reject") ? " You may still reject it: a veto ends it at once." : ""
      }</p>`
    : ""
}
<p class="error" id="decide-error" role="alert" hidden></p>
<p class="hint" id="decide-hint" hidden></p>
<div class="buttons">
${allowed.has("approve") && !approved ? html`<button type="button" id="approve" class="approve">Approve <kbd>a</kbd></button>` : ""}
${allowed.has("reject") ? html`<button type="button" id="reject" class="reject">Reject… <kbd>r</kbd></button>` : ""}
${allowed.has("modify") && !approved ? html`<button type="button" id="modify" class="modify">Modify… <kbd>m</kbd></button>` : ""}
</div>
${approved ? "" : html`<label class="comments-field">Comments (optional) <input type="text" id="comments" maxlength="2000"></label>`}
<form id="reject-form" hidden>
  <label>Reason for rejecting <textarea id="reject-reason" required maxlength="2000"></textarea></label>
  <button type="submit" class="reject">Reject</button> <button type="button" class="cancel">Cancel</button>
</form>
${
  approved
    ? ""
    : html`<form id="modify-form" hidden novalidate>
  <div id="modify-fields"></div>
  <p class="error" id="modify-error" role="alert" hidden></p>
  <button type="submit">Review changes</button> <button type="button" class="cancel">Cancel</button>
</form>
<section id="modify-diff" hidden>
  <h3>Original → modified</h3>
  <table class="diff"><thead><tr><th>Field</th><th>Original</th><th>Modified</th></tr></thead><tbody></tbody></table>
  <button type="button" id="modify-confirm" class="modify">Confirm modification</button>
  <button type="button" id="modify-back">Back to the form</button>
</section>`
}
</section>
${jsonData("action-data", { target, schema: record.action?.args_schema ?? null })}`
    : ""
}
<section><h2>Audit trail</h2>${auditTrail(audit)}</section>
</article>`;
  return layout(ctx, record.title, "review", body);
}
