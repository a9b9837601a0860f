/**
 * The analytics page's markup from a hand-made report: one plot per part, each followed by
 * a table of the same numbers, the range picker, links to the review pages of the
 * longest-waiting actions, escalations only when there are some, and agent-written tool
 * names and agent ids rendered as inert text.
 */
import { describe, expect, it } from "vitest";
import type { DecisionTimeSummary, OutcomeCounts, StatsReport } from "../src/inbox/stats-report.js";
import { analyticsPage, binLabel, MAX_CHARTS, unknownRangePage } from "../src/ui/analytics-page.js";

const EVIL_TOOL = "<script>alert(1)</script>";
const QUOTED_AGENT = `agent"><img src=x onerror=alert(2)>'`;
const counts = (o: Partial<OutcomeCounts> = {}): OutcomeCounts => ({
  approved: 0,
  modified: 0,
  rejected: 0,
  timed_out: 0,
  cancelled: 0,
  ...o,
});
const summary = (key: string | null, hist: number[], median: number, p90: number) =>
  ({
    key,
    count: hist.reduce((a, b) => a + b, 0),
    median_seconds: median,
    p90_seconds: p90,
    buckets: hist.map((count, i) => ({ up_to_seconds: [60, 600, null][i] ?? null, count })),
  }) satisfies DecisionTimeSummary;

/** A 24 h report over three hourly bins (enough for the markup). */
function report(overrides: Partial<StatsReport> = {}): StatsReport {
  const starts = [
    "2026-12-06T09:00:00.000Z",
    "2026-12-06T10:00:00.000Z",
    "2026-12-06T11:00:00.000Z",
  ];
  return {
    range: "24h",
    since: "2026-12-05T12:00:00.000Z",
    until: "2026-12-06T12:00:00.000Z",
    bin_seconds: 3600,
    backlog: starts.map((at, i) => ({ at, pending: [2, 5, 3][i] as number })),
    outcomes: [
      {
        tool: EVIL_TOOL,
        total: counts({ approved: 3, rejected: 1 }),
        bins: starts.map((start, i) => ({
          start,
          ...counts(i === 1 ? { approved: 3, rejected: 1 } : {}),
        })),
      },
      {
        tool: null,
        total: counts({ timed_out: 2 }),
        bins: starts.map((start, i) => ({ start, ...counts(i === 2 ? { timed_out: 2 } : {}) })),
      },
    ],
    decision_time: {
      overall: summary(null, [3, 1, 0], 45, 300),
      by_tool: [summary(EVIL_TOOL, [3, 1, 0], 45, 300)],
      by_agent: [summary(QUOTED_AGENT, [3, 1, 0], 45, 300)],
    },
    slowest_pending: [
      {
        id: "act/1?x",
        agent_id: QUOTED_AGENT,
        tool: EVIL_TOOL,
        title: "Pay <b>ACME</b>",
        created_at: "2026-12-06T08:00:00.000Z",
        waiting_seconds: 14_400,
        escalations: 1,
      },
    ],
    escalations: { total: 0, bins: starts.map((start) => ({ start, count: 0 })) },
    ...overrides,
  };
}

const ctx = { base: "/inbox", reviewer: "alice", csrf: "t" };
/** The text cells of the table `name`, row by row (tags stripped). */
const tableRows = (page: string, name: string) => {
  const table =
    new RegExp(`<table class="numbers" data-table="${name}">([\\s\\S]*?)</table>`).exec(
      page,
    )?.[1] ?? "";
  return [...table.matchAll(/<tbody>([\s\S]*)<\/tbody>/g)].flatMap((body) =>
    [...(body[1] ?? "").matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? "").matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) =>
        (c[1] ?? "").replace(/<[^>]+>/g, ""),
      ),
    ),
  );
};

describe("analytics page", () => {
  it("draws every part as an accessible SVG followed by the same numbers in a table", () => {
    const page = analyticsPage(ctx, report());
    // backlog, overall + 1 tool + 1 agent histograms, 2 tools' outcomes
    expect(page.match(/<svg class="chart"[^>]* role="img"/g)).toHaveLength(6);
    expect(tableRows(page, "backlog")).toEqual([
      ["09:00", "2"],
      ["10:00", "5"],
      ["11:00", "3"],
    ]);
    expect(tableRows(page, "outcome-totals")).toEqual([
      ["&lt;script&gt;alert(1)&lt;/script&gt;", "3", "0", "1", "0", "0", "4"],
      ["(no tool)", "0", "0", "0", "2", "0", "2"],
    ]);
    expect(tableRows(page, "outcomes-0")[1]).toEqual(["10:00", "3", "0", "1", "0", "0"]);
    expect(tableRows(page, "decision-tool")).toEqual([
      ["&lt;script&gt;alert(1)&lt;/script&gt;", "4", "45 (45 s)", "300 (5 min)", "3", "1", "0"],
    ]);
    expect(page).toMatch(/<caption>Pending actions at the end of each bin \(UTC\)<\/caption>/);
    expect(page).toContain('<th scope="col">Pending</th>');
  });

  it("draws charts for the busiest tools and agents only, the tables keep every row", () => {
    const many = 40;
    const names = Array.from({ length: many }, (_, i) => `tool_${i}`);
    const base = report();
    const bins = base.outcomes[0]?.bins ?? [];
    const page = analyticsPage(
      ctx,
      report({
        // tool_39 is the busiest: counts grow with the index
        outcomes: names.map((tool, i) => ({ tool, total: counts({ approved: i + 1 }), bins })),
        decision_time: {
          overall: base.decision_time.overall,
          by_tool: names.map((n, i) => summary(n, [i + 1, 0, 0], 30, 30)),
          by_agent: names.map((n, i) => summary(`agent_${n}`, [i + 1, 0, 0], 30, 30)),
        },
      }),
    );
    // backlog + overall + MAX_CHARTS tools + MAX_CHARTS agents + MAX_CHARTS outcome charts
    expect(page.match(/<svg class="chart"[^>]* role="img"/g)).toHaveLength(2 + 3 * MAX_CHARTS);
    expect(page).toContain("Time to decision for tool tool_39");
    expect(page).not.toContain("Time to decision for tool tool_0<");
    expect(page).not.toContain("Outcomes of tool_0 over time");
    expect(page).toContain(`Charts for the ${MAX_CHARTS} busiest of ${many} tools`);
    expect(tableRows(page, "decision-tool")).toHaveLength(many);
    expect(tableRows(page, "outcome-totals")).toHaveLength(many);
  });

  it("links the longest-waiting actions to their review pages", () => {
    const page = analyticsPage(ctx, report());
    expect(page).toContain('<a href="/inbox/review/act%2F1%3Fx">Pay &lt;b&gt;ACME&lt;/b&gt;</a>');
    expect(tableRows(page, "slowest")[0]?.slice(4)).toEqual(["14400 (4 h)", "1"]);
  });

  it("renders agent-written tool names and agent ids as inert text", () => {
    const page = analyticsPage(ctx, report());
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("agent&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;");
    // chart ids come from indexes, never from names
    expect(page).toMatch(/id="decision-tool-0"/);
    expect([...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([
      '<script src="/inbox/ui/assets/inbox.js" defer>',
    ]);
    expect(page).not.toMatch(/<[^>]*\s(style|on[a-z]+)=/i); // no inline style or handler attribute
  });

  it("shows escalations only when there are some", () => {
    expect(analyticsPage(ctx, report())).not.toContain('id="escalations"');
    const bins = report().escalations.bins.map((b, i) => ({ ...b, count: i === 2 ? 2 : 0 }));
    const page = analyticsPage(ctx, report({ escalations: { total: 2, bins } }));
    expect(page).toContain('<svg class="chart" id="escalations"');
    expect(page).toContain("2 escalation steps applied in the range.");
    expect(tableRows(page, "escalations")[2]).toEqual(["11:00", "2"]);
  });

  it("says so instead of drawing when nothing happened", () => {
    const empty = report({
      outcomes: [],
      decision_time: { overall: summary(null, [0, 0, 0], 0, 0), by_tool: [], by_agent: [] },
      slowest_pending: [],
    });
    empty.decision_time.overall.median_seconds = null;
    empty.decision_time.overall.p90_seconds = null;
    const page = analyticsPage(ctx, empty);
    expect(page).toContain("No action ended in this range.");
    expect(page).toContain("Nothing is waiting for you.");
    expect(page).toContain("No decisions overall in the range.");
  });

  it("marks the current range and links the others", () => {
    const page = analyticsPage(ctx, report({ range: "7d" }));
    expect(page).toContain(
      '<a href="/inbox/analytics?range=7d" aria-current="page">Last 7 days</a>',
    );
    expect(page).toContain('<a href="/inbox/analytics?range=30d">Last 30 days</a>');
    expect(page).toContain('<a href="/inbox/analytics">Analytics</a>'); // the navigation
    expect(page).toContain("<code>GET /inbox/api/stats?range=7d</code>");
  });
});

describe("unknown range page and bin labels", () => {
  it("names the valid ranges and links each, none marked current", () => {
    const page = unknownRangePage(ctx);
    expect(page).toContain("<h1>Unknown range</h1>");
    expect(page).toContain("The range must be one of 24h, 7d, 30d.");
    for (const r of ["24h", "7d", "30d"])
      expect(page).toContain(`href="/inbox/analytics?range=${r}"`);
    expect(page).not.toContain("aria-current");
  });

  it("writes hours over a day and dates with hours over longer ranges", () => {
    expect(binLabel("2026-12-06T09:00:00.000Z", "24h")).toBe("09:00");
    expect(binLabel("2026-12-06T18:00:00.000Z", "7d")).toBe("12-06 18:00");
  });
});
