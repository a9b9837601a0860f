/**
 * @module ui/analytics-page
 * `/analytics`: how the reviewers are doing, drawn from one {@link StatsReport} (already
 * limited to what the signed-in reviewer may see): the pending backlog over time, the
 * time to decision per tool and per agent (histograms with median and p90), the outcomes
 * per tool over time, the longest-waiting pending actions and the escalations. Every plot
 * is an SVG drawn here, followed by a table of the same numbers; the range picker is plain
 * links.
 */
import {
  type DecisionTimeSummary,
  STATS_RANGES,
  type StatsRange,
  type StatsReport,
} from "../inbox/stats-report.js";
import {
  decisionTable,
  foldedTable,
  numbersTable,
  OUTCOMES,
  outcomeTotalsTable,
  slowestTable,
  toolLabel,
} from "./analytics-tables.js";
import { areaChart } from "./charts/area-chart.js";
import { formatDuration } from "./charts/chart-frame.js";
import { histogram } from "./charts/histogram.js";
import { stackedBars } from "./charts/stacked-bars.js";
import { html, type SafeHtml } from "./html.js";
import { layout, type PageContext } from "./layout.js";
import { messagePage } from "./login-page.js";

/** The range picker's words. */
const RANGE_LABELS: Record<StatsRange, string> = {
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
};

/** A time of the report (a bin's start or end) as shown on the page (UTC): "14:00", or "12-05 18:00" over days. */
export function binLabel(iso: string, range: StatsRange): string {
  return range === "24h" ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

const rangePicker = (ctx: PageContext, current?: StatsRange) =>
  html`<nav class="ranges" aria-label="Range">${Object.keys(STATS_RANGES).map(
    (r) =>
      html`<a href="${ctx.base}/analytics?range=${r}"${r === current ? html` aria-current="page"` : ""}>Last ${RANGE_LABELS[r as StatsRange]}</a>`,
  )}</nav>`;

function backlogSection(report: StatsReport): SafeHtml {
  const points = report.backlog.map((b) => ({
    label: binLabel(b.at, report.range),
    value: b.pending,
  }));
  const now = report.backlog[report.backlog.length - 1]?.pending ?? 0;
  const peak = Math.max(0, ...report.backlog.map((b) => b.pending));
  const chart = areaChart(
    {
      id: "backlog",
      title: "Pending actions over time",
      summary: `Pending actions at the end of each ${formatDuration(report.bin_seconds)}: ${now} now, at most ${peak} in the range.`,
    },
    points,
  );
  const table = numbersTable(
    "backlog",
    "Pending actions at the end of each bin (UTC)",
    ["Time", "Pending"],
    points.map((p) => [p.label, p.value]),
  );
  return html`<section class="analytics-part" aria-labelledby="backlog-h"><h2 id="backlog-h">Pending backlog</h2>${chart}${foldedTable(table)}</section>`;
}

const decisionSummary = (what: string, s: DecisionTimeSummary) =>
  s.count === 0
    ? `No decisions ${what} in the range.`
    : `${s.count} decisions ${what}; median ${formatDuration(s.median_seconds ?? 0)}, 90th percentile ${formatDuration(s.p90_seconds ?? 0)}.`;

const decisionChart = (id: string, heading: string, what: string, s: DecisionTimeSummary) =>
  html`<figure class="chart-box"><figcaption>${heading}</figcaption>${histogram(
    { id, title: `Time to decision ${what}`, summary: decisionSummary(what, s) },
    {
      buckets: s.buckets.map((b) => ({ upTo: b.up_to_seconds, count: b.count })),
      median: s.median_seconds,
      p90: s.p90_seconds,
    },
  )}</figure>`;

/**
 * Most charts drawn per list (tools, agents): agents choose tool names, so the busiest are
 * drawn and the tables below carry every row.
 */
export const MAX_CHARTS = 12;

/** The `MAX_CHARTS` entries with the largest `weight`, ties in their listed order. */
function busiest<T>(items: readonly T[], weight: (item: T) => number): T[] {
  if (items.length <= MAX_CHARTS) return [...items];
  return items
    .map((item, i) => ({ item, i, w: weight(item) }))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .slice(0, MAX_CHARTS)
    .map((x) => x.item);
}

/** Says that only some of `total` got a chart. */
const chartsNote = (drawn: number, total: number, what: string) =>
  drawn < total
    ? html`<p class="counts">Charts for the ${drawn} busiest of ${total} ${what}; the table has them all.</p>`
    : html``;

function decisionSection(report: StatsReport): SafeHtml {
  const { overall, by_tool, by_agent } = report.decision_time;
  const drawnTools = busiest(by_tool, (s) => s.count);
  const drawnAgents = busiest(by_agent, (s) => s.count);
  const tools = drawnTools.map((s, i) =>
    decisionChart(`decision-tool-${i}`, toolLabel(s.key), `for tool ${toolLabel(s.key)}`, s),
  );
  const agents = drawnAgents.map((s, i) =>
    decisionChart(`decision-agent-${i}`, s.key ?? "", `for agent ${s.key ?? ""}`, s),
  );
  return html`<section class="analytics-part" aria-labelledby="decision-h"><h2 id="decision-h">Time to decision</h2>
<p class="counts">From filing to a reviewer's approval, modification or rejection (time-outs and cancellations are not decisions).</p>
${decisionChart("decision-all", "All tools and agents", "overall", overall)}
${foldedTable(decisionTable("decision-all", "Time to decision, overall", "Scope", [overall], () => "all"))}
<h3>Per tool</h3>
${by_tool.length ? html`${chartsNote(tools.length, by_tool.length, "tools")}<div class="chart-grid">${tools}</div>${foldedTable(decisionTable("decision-tool", "Time to decision per tool", "Tool", by_tool, (s) => toolLabel(s.key)))}` : html`<p class="empty">No decisions in this range.</p>`}
<h3>Per agent</h3>
${by_agent.length ? html`${chartsNote(agents.length, by_agent.length, "agents")}<div class="chart-grid">${agents}</div>${foldedTable(decisionTable("decision-agent", "Time to decision per agent", "Agent", by_agent, (s) => s.key ?? ""))}` : html`<p class="empty">No decisions in this range.</p>`}
</section>`;
}

function outcomesSection(report: StatsReport): SafeHtml {
  const series = OUTCOMES.map((o) => ({ key: o.key, label: o.label }));
  const drawn = busiest(report.outcomes, (o) =>
    OUTCOMES.reduce((sum, { key }) => sum + o.total[key], 0),
  );
  const charts = drawn.map((o, i) => {
    const totals = OUTCOMES.map(({ key, label }) => `${o.total[key]} ${label}`).join(", ");
    const bins = o.bins.map((b) => ({
      label: binLabel(b.start, report.range),
      values: OUTCOMES.map(({ key }) => b[key]),
    }));
    const name = toolLabel(o.tool);
    const chart = stackedBars(
      {
        id: `outcomes-${i}`,
        title: `Outcomes of ${name} over time`,
        summary: `${name}: ${totals}.`,
      },
      series,
      bins,
    );
    const table = numbersTable(
      `outcomes-${i}`,
      `Outcomes of ${name} per bin (UTC)`,
      ["Bin start", ...OUTCOMES.map((x) => x.label)],
      bins.map((b) => [b.label, ...b.values]),
    );
    return html`<figure class="chart-box"><figcaption>${name}</figcaption>${chart}${foldedTable(table)}</figure>`;
  });
  return html`<section class="analytics-part" aria-labelledby="outcomes-h"><h2 id="outcomes-h">Outcomes per tool</h2>
${report.outcomes.length ? html`${chartsNote(charts.length, report.outcomes.length, "tools")}<div class="chart-grid">${charts}</div>${outcomeTotalsTable(report)}` : html`<p class="empty">No action ended in this range.</p>`}
</section>`;
}

function slowestSection(ctx: PageContext, report: StatsReport): SafeHtml {
  return html`<section class="analytics-part" aria-labelledby="slowest-h"><h2 id="slowest-h">Longest waiting</h2>
${report.slowest_pending.length ? slowestTable(ctx, report) : html`<p class="empty">Nothing is waiting for you.</p>`}
</section>`;
}

function escalationSection(report: StatsReport): SafeHtml | "" {
  const { total, bins } = report.escalations;
  if (total === 0) return "";
  const rows = bins.map((b) => ({ label: binLabel(b.start, report.range), values: [b.count] }));
  const chart = stackedBars(
    {
      id: "escalations",
      title: "Escalations over time",
      summary: `${total} escalation steps applied in the range.`,
    },
    [{ key: "escalations", label: "escalation steps" }],
    rows,
  );
  const table = numbersTable(
    "escalations",
    "Escalation steps applied per bin (UTC)",
    ["Bin start", "Escalation steps"],
    rows.map((r) => [r.label, r.values[0] ?? 0]),
  );
  return html`<section class="analytics-part" aria-labelledby="escalations-h"><h2 id="escalations-h">Escalations</h2>
<p class="counts">${total} escalation step${total === 1 ? "" : "s"} applied in the range.</p>${chart}${foldedTable(table)}</section>`;
}

/** The analytics page of one report. */
export function analyticsPage(ctx: PageContext, report: StatsReport): string {
  const body = html`<h1>Analytics</h1>
${rangePicker(ctx, report.range)}
<p class="counts">From <time datetime="${report.since}">${report.since}</time> to <time datetime="${report.until}">${report.until}</time> (times in UTC), counting only the actions you may see.</p>
${backlogSection(report)}
${decisionSection(report)}
${outcomesSection(report)}
${slowestSection(ctx, report)}
${escalationSection(report)}
<p class="counts">The same numbers as JSON: <code>GET ${ctx.base}/api/stats?range=${report.range}</code> with your reviewer token.</p>`;
  return layout(ctx, "Analytics", "analytics", body);
}

/** The page answering an unknown `?range=` (status 400), linking the valid ranges. */
export function unknownRangePage(ctx: PageContext): string {
  const ranges = Object.keys(STATS_RANGES).join(", ");
  return messagePage(ctx, "Unknown range", `The range must be one of ${ranges}.`, rangePicker(ctx));
}
