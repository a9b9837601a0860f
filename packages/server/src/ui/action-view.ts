/**
 * @module ui/action-view
 * Shared pieces of the reviewer pages: severity badges, time left, the arguments table
 * (each field with its JSON type and its exact JSON value) and the audit trail.
 */
import type { JsonValue } from "@safeguards/core";
import type { AuditEntry, StoredRecord } from "../store/action-store.js";
import { html, type SafeHtml } from "./html.js";

/** The JSON type of a value, as shown in the arguments table. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Flattens nested objects to `[path, value]` rows (`to.account`); arrays stay whole. */
export function flattenArgs(value: JsonValue, prefix = ""): Array<[string, JsonValue]> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [[prefix, value]];
  const entries = Object.entries(value);
  if (entries.length === 0 && prefix) return [[prefix, value]];
  return entries.flatMap(([key, inner]) =>
    flattenArgs(inner as JsonValue, prefix ? `${prefix}.${key}` : key),
  );
}

/** A table of fields, JSON types and exact JSON values. */
export function argsTable(args: Record<string, unknown>, caption: string): SafeHtml {
  const rows = flattenArgs(args as JsonValue);
  if (rows.length === 0) return html`<p class="muted">${caption}: none</p>`;
  return html`<table class="args"><caption>${caption}</caption>
<thead><tr><th>Field</th><th>Type</th><th>Value (JSON)</th></tr></thead><tbody>
${rows.map(
  ([path, v]) =>
    html`<tr><th scope="row"><code>${path}</code></th><td class="type">${jsonType(v)}</td><td><code class="value">${JSON.stringify(v)}</code></td></tr>`,
)}
</tbody></table>`;
}

/** Severity badge. */
export function severityBadge(severity: string): SafeHtml {
  return html`<span class="sev sev-${severity.toLowerCase()}">${severity}</span>`;
}

/** `<time>` that the script turns into a live countdown. */
export function timeLeft(record: StoredRecord): SafeHtml {
  return html`<time class="left" data-expires="${record.expires_at}" datetime="${record.expires_at}">expires ${record.expires_at}</time>`;
}

/** Who decided, for display (every approver of an action that needed several). */
export function decider(record: StoredRecord): string {
  const approvals = record.decision?.approvals ?? [];
  const settledByQuorum = record.status === "approved" || record.status === "modified";
  if (settledByQuorum && approvals.length > 1) return approvals.map((a) => a.reviewer).join(", ");
  if (record.decision?.reviewer) return record.decision.reviewer;
  if (record.status === "timed_out") return "(expired)";
  if (record.status === "cancelled") return `(agent ${record.agent_id})`;
  return "";
}

/** The audit trail as a list. */
export function auditTrail(entries: AuditEntry[]): SafeHtml {
  return html`<ol class="audit">${entries.map((e) =>
    e.event === "agent_timeout"
      ? html`<li class="audit-agent-timeout"><time datetime="${e.at}">${e.at}</time> <code>agent_timeout</code>: the agent did not act on the decision (it had timed out locally), reported by <strong>${e.actor}</strong></li>`
      : html`<li><time datetime="${e.at}">${e.at}</time> <code>${e.fromStatus ?? "(new)"}</code> → <code>${e.toStatus}</code> by <strong>${e.actor}</strong></li>`,
  )}</ol>`;
}

/** The notice that the agent did not act on the decision (it timed out locally), if it said so. */
export function agentTimeoutNotice(record: StoredRecord): SafeHtml | string {
  const reported = record.agent_timeout;
  if (!reported) return "";
  return html`<p class="agent-timeout" role="note"><strong>The agent did not act on this decision.</strong> It gave up waiting at <time datetime="${reported.timed_out_at}">${reported.timed_out_at}</time> (its own deadline passed before it heard a decision, e.g. while it could not reach the inbox) and reported this at <time datetime="${reported.reported_at}">${reported.reported_at}</time>.</p>`;
}
