/**
 * @module ui/history-page
 * Decided actions (who decided what, when), newest filed first, one page at a time with a
 * link to older ones, searchable by title, agent, tool, status, reviewer, comments or id.
 */
import type { StoredRecord } from "../store/action-store.js";
import { decider, severityBadge } from "./action-view.js";
import { html } from "./html.js";
import { pager } from "./inbox-page.js";
import { layout, type PageContext } from "./layout.js";
import type { RecordPage } from "./list-pages.js";

/** Whether `record` matches the search text (case-insensitive, every word must match). */
export function matchesSearch(record: StoredRecord, q: string): boolean {
  const hay = [
    record.id,
    record.title,
    record.agent_id,
    record.action?.name ?? "",
    record.status,
    decider(record),
    record.decision?.comments ?? "",
  ]
    .join("\n")
    .toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word));
}

/** The history page. */
export function historyPage(
  ctx: PageContext,
  view: { page: RecordPage; cursor?: string },
  q: string,
): string {
  const decided = view.page.records;
  const more = view.page.nextCursor !== null;
  const body = html`<h1>History</h1>
<form method="get" action="${ctx.base}/history" class="filters">
  <input type="search" name="q" value="${q}" placeholder="Search title, agent, tool, reviewer…" aria-label="Search">
  <button type="submit">Search</button>
</form>
<p class="counts">${decided.length} decided action${decided.length === 1 ? "" : "s"}${q ? " matching" : ""} on this page${more ? "; older ones on the next page" : view.cursor ? "" : " (all of them)"}</p>
<table class="history"><thead><tr><th>When</th><th>Outcome</th><th>Action</th><th>Agent</th><th>Who</th><th>Comments</th></tr></thead>
<tbody>${decided.map(
    (r) => html`<tr class="row" data-id="${r.id}">
<td><time datetime="${r.decision?.decided_at ?? ""}">${r.decision?.decided_at ?? ""}</time></td>
<td><span class="status status-${r.status}">${r.status}</span></td>
<td><a href="${ctx.base}/review/${encodeURIComponent(r.id)}">${r.title}</a> ${severityBadge(r.severity)}</td>
<td>${r.agent_id}${r.action ? html` · <code>${r.action.name}</code>` : ""}</td>
<td class="who">${decider(r)}</td>
<td>${r.decision?.comments ?? ""}</td></tr>`,
  )}</tbody></table>
${pager(`${ctx.base}/history`, { ...(q ? { q } : {}) }, view.cursor, view.page.nextCursor, decided.length)}`;
  return layout(ctx, "History", "history", body);
}
