/**
 * @module ui/analytics-tables
 * The numbers behind each plot of the analytics page, as tables (caption, column and row
 * headers with `scope`), each in a horizontally scrolling box so a phone's page never gets
 * wider than the screen.
 */
import type { DecisionTimeSummary, FinalStatus, StatsReport } from "../inbox/stats-report.js";
import { formatDuration, formatNumber } from "./charts/chart-frame.js";
import { html, type SafeHtml } from "./html.js";
import type { PageContext } from "./layout.js";

/** The outcomes in the order the page shows them, with their labels. */
export const OUTCOMES: { key: FinalStatus; label: string }[] = [
  { key: "approved", label: "approved" },
  { key: "modified", label: "modified" },
  { key: "rejected", label: "rejected" },
  { key: "timed_out", label: "timed out" },
  { key: "cancelled", label: "cancelled" },
];

/** How a tool is named on the page (`null`: actions without a tool). */
export const toolLabel = (tool: string | null): string => tool ?? "(no tool)";

/** A cell's text: numbers as {@link formatNumber} writes them. */
const cell = (v: string | number) => (typeof v === "number" ? formatNumber(v) : v);

/**
 * A table whose first column heads its rows; `name` goes to `data-table` (for tests and
 * scripts), `caption` says what the numbers are.
 */
export function numbersTable(
  name: string,
  caption: string,
  head: string[],
  rows: (string | number | SafeHtml)[][],
): SafeHtml {
  return html`<div class="table-scroll" role="region" aria-label="${caption}" tabindex="0"><table class="numbers" data-table="${name}">
<caption>${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map(
    ([first, ...rest]) =>
      html`<tr><th scope="row">${typeof first === "number" ? cell(first) : first}</th>${rest.map(
        (v) => html`<td>${typeof v === "number" || typeof v === "string" ? cell(v) : v}</td>`,
      )}</tr>`,
  )}</tbody></table></div>`;
}

/** A table under a plot, folded away until opened (same numbers as the plot). */
export const foldedTable = (table: SafeHtml): SafeHtml =>
  html`<details class="numbers"><summary>Show the numbers</summary>${table}</details>`;

/** A duration cell: seconds as a number, with the readable form after it. */
const seconds = (s: number | null) =>
  s === null ? "–" : `${formatNumber(s)} (${formatDuration(s)})`;

/** One row per summary: decisions, median, p90 and the count of every bucket. */
export function decisionTable(
  name: string,
  caption: string,
  keyHead: string,
  summaries: DecisionTimeSummary[],
  keyLabel: (s: DecisionTimeSummary) => string,
): SafeHtml {
  const buckets = summaries[0]?.buckets ?? [];
  const head = [
    keyHead,
    "Decisions",
    "Median (s)",
    "p90 (s)",
    ...buckets.map((b, i) =>
      b.up_to_seconds === null
        ? `> ${formatDuration(buckets[i - 1]?.up_to_seconds ?? 0)}`
        : `≤ ${formatDuration(b.up_to_seconds)}`,
    ),
  ];
  const rows = summaries.map((s) => [
    keyLabel(s),
    s.count,
    seconds(s.median_seconds),
    seconds(s.p90_seconds),
    ...s.buckets.map((b) => b.count),
  ]);
  return numbersTable(name, caption, head, rows);
}

/** Outcomes per tool over the whole range. */
export function outcomeTotalsTable(report: StatsReport): SafeHtml {
  const rows = report.outcomes.map((o) => [
    toolLabel(o.tool),
    ...OUTCOMES.map(({ key }) => o.total[key]),
    OUTCOMES.reduce((sum, { key }) => sum + o.total[key], 0),
  ]);
  return numbersTable(
    "outcome-totals",
    "Outcomes per tool in the range",
    ["Tool", ...OUTCOMES.map((o) => o.label), "total"],
    rows,
  );
}

/** The longest-waiting pending actions, each linking to its review page. */
export function slowestTable(ctx: PageContext, report: StatsReport): SafeHtml {
  const rows = report.slowest_pending.map((a) => [
    html`<a href="${ctx.base}/review/${encodeURIComponent(a.id)}">${a.title}</a>`,
    a.agent_id,
    toolLabel(a.tool),
    html`<time datetime="${a.created_at}">${a.created_at}</time>`,
    `${formatNumber(a.waiting_seconds)} (${formatDuration(a.waiting_seconds)})`,
    a.escalations,
  ]);
  return numbersTable(
    "slowest",
    "Longest-waiting pending actions",
    ["Action", "Agent", "Tool", "Filed", "Waiting (s)", "Escalations"],
    rows,
  );
}
