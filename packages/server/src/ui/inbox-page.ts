/**
 * @module ui/inbox-page
 * The inbox list: pending actions the reviewer may decide, newest first, filtered by agent
 * and severity, with counts. The `#live` section is also served alone so the script can
 * swap it in when the event stream says something changed.
 */
import type { StoredRecord } from "../store/action-store.js";
import { severityBadge, timeLeft } from "./action-view.js";
import { html, type SafeHtml } from "./html.js";
import { layout, type PageContext } from "./layout.js";

/** The list filter (query parameters `agent` and `severity`). */
export interface InboxFilter {
  agent?: string;
  severity?: string;
}

const SEVERITIES = ["CRITICAL", "ERROR", "WARNING", "INFO"] as const;

const query = (filter: InboxFilter) => {
  const q = new URLSearchParams();
  if (filter.agent) q.set("agent", filter.agent);
  if (filter.severity) q.set("severity", filter.severity);
  const s = q.toString();
  return s ? `?${s}` : "";
};

/** Applies the filter. */
export function applyFilter(records: StoredRecord[], filter: InboxFilter): StoredRecord[] {
  return records.filter(
    (r) =>
      (!filter.agent || r.agent_id === filter.agent) &&
      (!filter.severity || r.severity === filter.severity),
  );
}

/** The live part: counts and the list. `pending` is every visible pending action. */
export function inboxFragment(
  ctx: PageContext,
  pending: StoredRecord[],
  filter: InboxFilter,
): SafeHtml {
  const shown = applyFilter(pending, filter);
  const count = (s: string) => pending.filter((r) => r.severity === s).length;
  return html`<section id="live" data-count="${shown.length}">
<p class="counts"><strong class="total">${pending.length}</strong> pending${SEVERITIES.map((s) =>
    count(s) ? html` · ${severityBadge(s)} ${count(s)}` : "",
  )}${shown.length !== pending.length ? html` · <span class="shown">${shown.length} shown</span>` : ""}</p>
${
  shown.length === 0
    ? html`<p class="empty">Nothing waiting for you.</p>`
    : html`<ul class="rows">${shown.map(
        (r) => html`<li class="row" data-id="${r.id}">
<a href="${ctx.base}/review/${encodeURIComponent(r.id)}">
<span class="title">${r.title}</span>
<span class="meta">${severityBadge(r.severity)} <span class="agent">${r.agent_id}</span>${r.action ? html` · <code>${r.action.name}</code>` : ""} · ${timeLeft(r)}</span>
</a></li>`,
      )}</ul>`
}
</section>`;
}

/** The full inbox page. */
export function inboxPage(ctx: PageContext, pending: StoredRecord[], filter: InboxFilter): string {
  const agents = [...new Set(pending.map((r) => r.agent_id))].sort();
  if (filter.agent && !agents.includes(filter.agent)) agents.push(filter.agent);
  const body = html`<h1>Pending actions</h1>
<form method="get" action="${ctx.base}/inbox" class="filters" id="filters">
  <label>Agent <select name="agent"><option value="">all</option>${agents.map(
    (a) => html`<option value="${a}"${a === filter.agent ? html` selected` : ""}>${a}</option>`,
  )}</select></label>
  <label>Severity <select name="severity"><option value="">all</option>${SEVERITIES.map(
    (s) => html`<option value="${s}"${s === filter.severity ? html` selected` : ""}>${s}</option>`,
  )}</select></label>
  <noscript><button type="submit">Filter</button></noscript>
</form>
<div id="inbox" data-rows-url="${ctx.base}/ui/rows${query(filter)}" data-events-url="${ctx.base}/ui/events">
${inboxFragment(ctx, pending, filter)}
</div>`;
  return layout(ctx, "Pending actions", "inbox", body);
}
