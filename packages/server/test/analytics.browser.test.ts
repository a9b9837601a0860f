/**
 * `/analytics` in a real browser (Debian Chromium) over a real inbox on 127.0.0.1 with a
 * manual clock: actions filed and decided (approved, modified, rejected, timed out,
 * cancelled, escalated) at chosen times by two agents and an agent with a quoted id. Each signed-in
 * reviewer sees plots and tables whose numbers are what `/api/stats` answers that
 * reviewer's credential; bob (one agent only) sees smaller numbers and never the other
 * agent's tool; the range picker works; axe-core finds no accessibility violation; on a
 * phone-sized screen the page is no wider than the screen and the plots show. A tool named
 * `<script>…</script>` renders as text, no script runs and the CSP blocks nothing.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createManualClock, type ManualClock } from "@safeguards/core";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatsRange, StatsReport } from "../src/inbox/stats-report.js";
import type { Inbox } from "../src/index.js";
import { binLabel } from "../src/ui/analytics-page.js";
import { OUTCOMES, toolLabel } from "../src/ui/analytics-tables.js";
import { formatNumber } from "../src/ui/charts/chart-frame.js";
import { launchChromium, runBrowserTests, signInPage, watchForScripts } from "./browser-helpers.js";
import {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  requestBody,
} from "./helpers.js";
import { ALICE_API_TOKEN, BOB_API_TOKEN, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

const EVIL_TOOL = "<script>alert(1)</script>";
const QUOTED_KEY = "agent-key-quoted-0123";
const QUOTED_AGENT = `quote"agent's <b>`;
const HOUR = 3_600_000;
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

describe.runIf(runBrowserTests)("analytics page in Chromium", { timeout: 90_000 }, () => {
  let browser: Browser;
  let inbox: Inbox;
  let root: string;
  let url: string;
  let clock: ManualClock;

  /** Files an action at the clock's time; answers its id. */
  const fileAt = async (
    tool: string,
    key: string,
    agent: string,
    ttlMs = 48 * HOUR,
    extra: object = {},
  ) => {
    const base = requestBody(clock, { agent_id: agent, ...extra }, ttlMs);
    const body = { ...base, action: { ...base.action!, name: tool } };
    expect((await file(url, body, key)).status).toBe(201);
    return body.id;
  };
  const decide = async (id: string, body: unknown) =>
    expect((await decideAs(url, id, body, ALICE_API_TOKEN)).status).toBe(200);

  beforeAll(async () => {
    browser = await launchChromium();
    clock = createManualClock(Date.parse("2026-12-06T00:00:00Z"));
    const started = await startReviewerInbox(
      {},
      {
        clock,
        apiKeys: { [AGENT_KEY]: AGENT, [AGENT_B_KEY]: AGENT_B, [QUOTED_KEY]: QUOTED_AGENT },
      },
    );
    ({ inbox, root, url } = started);
    clock.advance(HOUR); // 01:00
    const a1 = await fileAt(EVIL_TOOL, AGENT_KEY, AGENT);
    const b1 = await fileAt("delete_customer", AGENT_B_KEY, AGENT_B);
    const q1 = await fileAt("send_email", QUOTED_KEY, QUOTED_AGENT);
    clock.advance(30_000);
    await decide(a1, { type: "approve" });
    clock.advance(90_000);
    await decide(b1, { type: "reject", comments: "no" });
    clock.advance(HOUR); // ~02:02
    const a2 = await fileAt(EVIL_TOOL, AGENT_KEY, AGENT);
    const b2 = await fileAt("delete_customer", AGENT_B_KEY, AGENT_B);
    await fileAt(EVIL_TOOL, AGENT_KEY, AGENT, 5 * 60_000); // times out at ~02:07
    clock.advance(10 * 60_000);
    await inbox.sweepExpired(); // the 5-minute action times out
    await decide(a2, { type: "modify", response_data: { amount: "10.00", to: "ACME" } });
    await decide(b2, { type: "approve" });
    const cancelled = await fileAt("delete_customer", AGENT_B_KEY, AGENT_B);
    expect(
      (await call(url, `/actions/${cancelled}/cancel`, { token: AGENT_B_KEY, body: {} })).status,
    ).toBe(200);
    clock.advance(HOUR);
    await decide(q1, { type: "approve" });
    // still pending at the end: one per agent, and one escalated to carol after 10 minutes
    await fileAt(EVIL_TOOL, AGENT_KEY, AGENT);
    await fileAt(EVIL_TOOL, AGENT_KEY, AGENT, 48 * HOUR, {
      assignees: ["alice"],
      escalation: [{ after_seconds: 600, assignees: ["carol"] }],
    });
    await fileAt("delete_customer", AGENT_B_KEY, AGENT_B);
    clock.advance(9 * HOUR); // 12:12
    await inbox.sweepExpired(); // the escalation step is applied (stamped now)
    clock.advance(60_000);
  });
  afterAll(async () => {
    await inbox?.close();
    await browser?.close();
  });

  const stats = async (token: string, range: StatsRange = "24h"): Promise<StatsReport> => {
    const res = await call(url, `/stats?range=${range}`, { token });
    expect(res.status).toBe(200);
    return res.body as StatsReport;
  };
  const signedIn = async (name: keyof typeof PASSWORDS, options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      ...options,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const incidents = watchForScripts(page);
    await signInPage(page, root, name, PASSWORDS[name]);
    return { page, incidents };
  };
  /** The cell texts of table `name`, row by row. */
  const table = (page: Page, name: string) =>
    page.$$eval(`table[data-table="${name}"] tbody tr`, (rows) =>
      rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent ?? "")),
    );
  const svgCount = (r: StatsReport) =>
    2 +
    r.decision_time.by_tool.length +
    r.decision_time.by_agent.length +
    r.outcomes.length +
    (r.escalations.total > 0 ? 1 : 0);

  /** Checks the page's plots and tables against `report`. */
  const expectPageShows = async (page: Page, report: StatsReport) => {
    expect(await page.locator("svg.chart[role=img]").count()).toBe(svgCount(report));
    expect(await page.locator("svg#backlog > title").textContent()).toBe(
      "Pending actions over time",
    );
    expect(await table(page, "backlog")).toEqual(
      report.backlog.map((b) => [binLabel(b.at, report.range), String(b.pending)]),
    );
    expect(await table(page, "outcome-totals")).toEqual(
      report.outcomes.map((o) => [
        toolLabel(o.tool),
        ...OUTCOMES.map(({ key }) => String(o.total[key])),
        String(OUTCOMES.reduce((sum, { key }) => sum + o.total[key], 0)),
      ]),
    );
    const decisions = await table(page, "decision-tool");
    expect(decisions.map((row) => row.slice(0, 2))).toEqual(
      report.decision_time.by_tool.map((s) => [toolLabel(s.key), String(s.count)]),
    );
    expect(decisions.map((row) => row.slice(4))).toEqual(
      report.decision_time.by_tool.map((s) => s.buckets.map((b) => String(b.count))),
    );
    const agents = await table(page, "decision-agent");
    expect(agents.map((row) => [row[0], row[1], ...row.slice(4)])).toEqual(
      report.decision_time.by_agent.map((s) => [
        s.key,
        String(s.count),
        ...s.buckets.map((b) => String(b.count)),
      ]),
    );
    for (const [i, o] of report.outcomes.entries()) {
      expect(await table(page, `outcomes-${i}`)).toEqual(
        o.bins.map((b) => [
          binLabel(b.start, report.range),
          ...OUTCOMES.map(({ key }) => String(b[key])),
        ]),
      );
    }
    expect((await table(page, "decision-all"))[0]?.[2]).toMatch(
      new RegExp(
        `^${formatNumber(report.decision_time.overall.median_seconds ?? 0).replace(".", "\\.")} `,
      ),
    );
    if (report.escalations.total > 0)
      expect(await table(page, "escalations")).toEqual(
        report.escalations.bins.map((b) => [binLabel(b.start, report.range), String(b.count)]),
      );
    else expect(await page.locator("#escalations").count()).toBe(0);
    expect((await table(page, "slowest")).map((row) => row[5])).toEqual(
      report.slowest_pending.map((a) => String(a.escalations)),
    );
    const links = await page.$$eval('table[data-table="slowest"] a', (as) =>
      as.map((a) => a.getAttribute("href")),
    );
    expect(links).toEqual(report.slowest_pending.map((a) => `/review/${encodeURIComponent(a.id)}`));
  };

  it("shows alice's numbers as /api/stats answers them, every outcome present, the evil tool inert", async () => {
    const { page, incidents } = await signedIn("alice");
    await page.click('nav.top a[href="/analytics"]');
    await page.waitForURL(`${root}/analytics`);
    const report = await stats(ALICE_API_TOKEN);
    expect(report.decision_time.overall.count).toBe(5); // a1, b1, a2, b2, q1
    expect(report.slowest_pending).toHaveLength(3);
    expect(report.escalations.total).toBe(1);
    expect(report.slowest_pending.map((a) => a.escalations).sort()).toEqual([0, 0, 1]);
    const totals = report.outcomes.map((o) => o.total);
    for (const { key } of OUTCOMES) expect(totals.some((t) => t[key] > 0)).toBe(true);
    await expectPageShows(page, report);
    expect(await page.locator("body").textContent()).toContain(EVIL_TOOL); // as text
    expect(await page.locator("body").textContent()).toContain(QUOTED_AGENT);
    expect(await page.locator("script:not([src])").count()).toBe(0);
    await page.locator("details.numbers summary").first().click(); // a table opens without script
    await page.locator('table[data-table="backlog"]').waitFor({ state: "visible" });
    expect(incidents).toEqual([]);
    await page.context().close();
  });

  it("switches range with the picker and refuses an unknown range with a 400 page", async () => {
    const { page, incidents } = await signedIn("alice");
    await page.goto(`${root}/analytics`);
    await Promise.all([page.waitForURL(/range=7d/), page.click("nav.ranges >> text=Last 7 days")]);
    expect(await page.locator('nav.ranges a[aria-current="page"]').textContent()).toBe(
      "Last 7 days",
    );
    await expectPageShows(page, await stats(ALICE_API_TOKEN, "7d"));
    const bad = await page.goto(`${root}/analytics?range=1y`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator("h1").textContent()).toBe("Unknown range");
    expect(incidents).toEqual([]);
    await page.context().close();
  });

  it("shows bob (one agent only) his smaller numbers and nothing of the other agents' tools", async () => {
    const { page, incidents } = await signedIn("bob");
    await page.goto(`${root}/analytics`);
    const mine = await stats(BOB_API_TOKEN);
    const alices = await stats(ALICE_API_TOKEN);
    expect(mine.decision_time.overall.count).toBe(2); // b1, b2
    expect(mine.decision_time.overall.count).toBeLessThan(alices.decision_time.overall.count);
    expect(mine.outcomes.map((o) => o.tool)).toEqual(["delete_customer"]);
    expect(mine.escalations.total).toBe(0); // the escalated action is the other agent's
    await expectPageShows(page, mine);
    const markup = await page.content();
    for (const hidden of [EVIL_TOOL, "alert(1)", "send_email", "quote", AGENT])
      expect(markup).not.toContain(hidden);
    expect(incidents).toEqual([]);
    await page.context().close();
  });

  it("has no accessibility violations found by axe-core, tables opened", async () => {
    // bypassCSP only here, so axe's own script can be injected
    const { page } = await signedIn("alice", { bypassCSP: true });
    await page.goto(`${root}/analytics`);
    for (const summary of await page.locator("details.numbers summary").all())
      await summary.click();
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: () => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
          };
        }
      ).axe;
      const result = await axe.run();
      return result.violations.map((v) => ({
        id: v.id,
        targets: v.nodes.map((n) => n.target.join(" ")),
      }));
    });
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it("fits a phone-sized screen: no horizontal page overflow, the plots show", async () => {
    const { page, incidents } = await signedIn("alice", { viewport: { width: 390, height: 844 } });
    await page.goto(`${root}/analytics?range=30d`);
    for (const summary of await page.locator("details.numbers summary").all())
      await summary.click();
    const fits = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits()).toBe(true);
    const charts = page.locator("svg.chart");
    expect(await charts.count()).toBeGreaterThan(3);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.width).toBeLessThanOrEqual(390);
      expect(box?.height).toBeGreaterThan(80);
    }
    await expect.poll(() => charts.first().isVisible()).toBe(true);
    expect(incidents).toEqual([]);
    await page.context().close();
  });
});
