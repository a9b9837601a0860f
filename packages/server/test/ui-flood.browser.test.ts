/**
 * The web inbox under a flood (issue 13, finding 4), in Chromium against a real inbox: one
 * agent files 1,000 actions while a reviewer's tab is open. The count stays true, another
 * agent's pending action stays reachable (filter, next pages, a restricted reviewer's first
 * page), the history still lists earlier decisions, and the open tab refreshes its list a
 * bounded number of times, never more than one request at once.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { launchChromium, runBrowserTests, signInPage, watchForScripts } from "./browser-helpers.js";
import { AGENT_B, AGENT_B_KEY, decideAs, file, requestBody } from "./helpers.js";
import { ALICE_API_TOKEN, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

describe.runIf(runBrowserTests)("web inbox under a flood of filings", { timeout: 120_000 }, () => {
  let browser: Browser;
  let inbox: Inbox;
  let root: string;
  let url: string;

  beforeAll(async () => {
    browser = await launchChromium();
    ({ inbox, root, url } = await startReviewerInbox());
  });
  afterAll(async () => {
    await inbox?.close();
    await browser?.close();
  });

  const open = async (name: "alice" | "bob") => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(20_000);
    const incidents = watchForScripts(page);
    await signInPage(page, root, name, PASSWORDS[name]);
    return { page, incidents };
  };

  /** Counts list refreshes of `page` and the most that were in flight at once. */
  const watchRefreshes = (page: Page) => {
    const stats = { started: 0, inFlight: 0, maxInFlight: 0 };
    const isRows = (u: string) => u.includes("/ui/rows");
    page.on("request", (r) => {
      if (!isRows(r.url())) return;
      stats.started += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    });
    const done = (r: { url(): string }) => {
      if (isRows(r.url())) stats.inFlight -= 1;
    };
    page.on("requestfinished", done);
    page.on("requestfailed", done);
    return stats;
  };

  it("keeps counts true, other agents reachable and refreshes bounded", async () => {
    const asB = (title: string) => requestBody(undefined, { agent_id: AGENT_B, title });
    const decided = asB("Earlier decided request of other_bot");
    expect((await file(url, decided, AGENT_B_KEY)).status).toBe(201);
    await decideAs(url, decided.id, { type: "reject", comments: "no" }, ALICE_API_TOKEN);
    const real = asB("The real request of other_bot");
    expect((await file(url, real, AGENT_B_KEY)).status).toBe(201);

    const { page, incidents } = await open("alice");
    await page.locator(`.row[data-id="${real.id}"]`).waitFor();
    const stats = watchRefreshes(page);
    const started = Date.now();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          file(url, requestBody(undefined, { title: `junk ${batch}-${i}` })),
        ),
      );
      expect(answers.every((a) => a.status === 201)).toBe(true);
    }
    await expect
      .poll(() => page.locator("#live .total").textContent(), { timeout: 20_000 })
      .toBe("1001");
    // A refresh still queued runs within a second; the count below covers the whole watch,
    // however long filing and this wait took on a loaded machine.
    await new Promise((r) => setTimeout(r, 2500));
    const watched = Date.now() - started;
    expect(stats.maxInFlight).toBe(1);
    // Coalesced: at most one refresh per second of the watch (the page spaces them at least a
    // second apart), plus the one already started when the watch began. One refresh per
    // filing event would be many per second.
    expect(stats.started).toBeGreaterThan(0);
    expect(stats.started).toBeLessThanOrEqual(Math.ceil(watched / 1000) + 2);
    expect(await page.locator("#live .row").count()).toBe(50);

    // The other agent's action: through the agent filter, and by paging to older pages.
    await Promise.all([
      page.waitForURL(/agent=other_bot/),
      page.selectOption('select[name="agent"]', AGENT_B),
    ]);
    await page.locator(`.row[data-id="${real.id}"]`).waitFor();
    expect(await page.locator("#live .total").textContent()).toBe("1001");
    await page.locator(".counts .shown", { hasText: "1 match the filter" }).waitFor();
    await page.goto(`${root}/inbox`);
    let pages = 1;
    while ((await page.locator(`.row[data-id="${real.id}"]`).count()) === 0) {
      await Promise.all([page.waitForURL(/cursor=/), page.locator("a.older").first().click()]);
      pages += 1;
      expect(pages).toBeLessThanOrEqual(21);
    }
    expect(pages).toBe(21); // 1,001 pending actions, 50 per page, the real one filed first
    await page.locator("a.newest").first().waitFor();

    // The history still shows the earlier decision (no "0 decided actions").
    await page.goto(`${root}/history`);
    await page.locator(`.row[data-id="${decided.id}"]`).waitFor();
    expect(incidents).toEqual([]);
    await page.context().close();

    // A reviewer who may see only other_bot finds its action on the first page.
    const bob = await open("bob");
    await bob.page.locator(`.row[data-id="${real.id}"]`).waitFor();
    expect(await bob.page.locator("#live .total").textContent()).toBe("1");
    expect(bob.incidents).toEqual([]);
    await bob.page.context().close();
  });
});
