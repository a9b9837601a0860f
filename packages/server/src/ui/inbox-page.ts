/**
 * @module ui/inbox-page
 * The inbox list: one page of the pending actions the reviewer may decide, newest first,
 * filtered by agent and severity, with true counts (of every pending action, not of the
 * page) and links to older and newest pages. The `#live` section is also served alone so
 * the script can swap it in when the event stream says something changed.
 */
import { isAssignee, type ReviewerIdentity } from "@safeguards/core/internal";
import type { StoredRecord } from "../store/action-store.js";
import { severityBadge, timeLeft } from "./action-view.js";
import { html, type SafeHtml } from "./html.js";
import { layout, type PageContext } from "./layout.js";
import type { PendingSummary, RecordPage } from "./list-pages.js";
import { approvalProgress } from "./quorum-view.js";

/** The list filter (query parameters `agent`, `severity` and `assigned=me`). */
export interface InboxFilter {
  agent?: string;
  severity?: string;
  /** Only actions whose assignees name the reviewer or one of their groups. */
  assigned?: "me";
}

/** What the list shows: one page, the counts, and the page's cursor (absent: newest). */
export interface InboxView {
  page: RecordPage;
  summary: PendingSummary;
  cursor?: string;
}

const SEVERITIES = ["CRITICAL", "ERROR", "WARNING", "INFO"] as const;

/** The query string of a filter and page cursor (`""` when empty). */
export const inboxQuery = (filter: InboxFilter, cursor?: string) => {
  const q = new URLSearchParams();
  if (filter.agent) q.set("agent", filter.agent);
  if (filter.severity) q.set("severity", filter.severity);
  if (filter.assigned) q.set("assigned", filter.assigned);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `?${s}` : "";
};

/** Whether `assignees` name `reviewer` or one of their groups (`null`: nobody in particular). */
export const assignedTo = (assignees: StoredRecord["assignees"], reviewer: ReviewerIdentity) =>
  assignees != null && isAssignee(reviewer, assignees);

/** Whether a record passes the severity and assignment filters (the agent filter goes to the store). */
export const matchesFilter =
  (filter: InboxFilter, reviewer: ReviewerIdentity) => (r: StoredRecord) =>
    (!filter.severity || r.severity === filter.severity) &&
    (!filter.assigned || assignedTo(r.assignees, reviewer));

/** " · 1 of 2 approvals (alice)" on a row of an action that needs more than one. */
const quorumBadge = (r: StoredRecord) => {
  const progress = approvalProgress(r);
  return progress ? html` · <span class="quorum">${progress}</span>` : "";
};

/** The live part: true counts, one page of the list, and the page links. */
export function inboxFragment(ctx: PageContext, view: InboxView, filter: InboxFilter): SafeHtml {
  const { summary, page } = view;
  const shown = page.records;
  const count = (s: string) => summary.bySeverity[s] ?? 0;
  const filtered = summary.matching !== summary.total;
  return html`<section id="live" data-count="${shown.length}" data-total="${summary.total}">
<p class="counts"><strong class="total">${summary.total}</strong> pending${SEVERITIES.map((s) =>
    count(s) ? html` · ${severityBadge(s)} ${count(s)}` : "",
  )}${filtered ? html` · <span class="shown">${summary.matching} match the filter</span>` : ""}</p>
${
  shown.length === 0
    ? html`<p class="empty">${view.cursor || page.nextCursor ? "Nothing on this page." : "Nothing waiting for you."}</p>`
    : html`<ul class="rows">${shown.map(
        (r) => html`<li class="row" data-id="${r.id}">
<a href="${ctx.base}/review/${encodeURIComponent(r.id)}">
<span class="title">${r.title}</span>
<span class="meta">${severityBadge(r.severity)} <span class="agent">${r.agent_id}</span>${r.action ? html` · <code>${r.action.name}</code>` : ""} · ${timeLeft(r)}${quorumBadge(r)}</span>
</a></li>`,
      )}</ul>`
}
${pager(`${ctx.base}/inbox`, filter, view.cursor, page.nextCursor, shown.length)}
</section>`;
}

/** Links to the newest page and the next older one, with what this page shows. */
export function pager(
  path: string,
  filter: InboxFilter & { q?: string },
  cursor: string | undefined,
  next: string | null,
  shown: number,
): SafeHtml {
  if (!cursor && !next) return html``;
  const q = (c?: string) => {
    const query = inboxQuery(filter, c);
    if (!filter.q) return query;
    return `${query}${query ? "&" : "?"}q=${encodeURIComponent(filter.q)}`;
  };
  return html`<nav class="pager" aria-label="Pages"><span>${shown} on this page${cursor ? " (older)" : " (newest first)"}</span>${
    cursor ? html` <a class="newest" href="${path}${q()}">« Newest</a>` : ""
  }${next ? html` <a class="older" rel="next" href="${path}${q(next)}">Older »</a>` : ""}</nav>`;
}

/** The full inbox page. */
export function inboxPage(ctx: PageContext, view: InboxView, filter: InboxFilter): string {
  const agents = [...view.summary.agents];
  if (filter.agent && !agents.includes(filter.agent)) agents.push(filter.agent);
  const body = html`<h1>Pending actions</h1>
<form method="get" action="${ctx.base}/inbox" class="filters" id="filters">
  <label>Agent <select name="agent"><option value="">all</option>${agents.map(
    (a) => html`<option value="${a}"${a === filter.agent ? html` selected` : ""}>${a}</option>`,
  )}</select></label>
  <label>Severity <select name="severity"><option value="">all</option>${SEVERITIES.map(
    (s) => html`<option value="${s}"${s === filter.severity ? html` selected` : ""}>${s}</option>`,
  )}</select></label>
  <label>Assigned <select name="assigned"><option value="">to anyone</option><option value="me"${
    filter.assigned === "me" ? html` selected` : ""
  }>to me</option></select></label>
  <noscript><button type="submit">Filter</button></noscript>
</form>
<div id="inbox" data-rows-url="${ctx.base}/ui/rows${inboxQuery(filter, view.cursor)}" data-events-url="${ctx.base}/ui/events">
${inboxFragment(ctx, view, filter)}
</div>`;
  return layout(ctx, "Pending actions", "inbox", body);
}
