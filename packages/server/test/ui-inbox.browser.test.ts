/**
 * The web inbox in a real browser (Debian Chromium): sign in, a new action appears live (and
 * leaves the list live when decided elsewhere or expired),
 * approve, modify through the generated form (client-side and server-side validation errors
 * shown in place, diff before confirming), reject with a reason; each decision reaches a
 * waiting agent (HumanActionHandler over HumanInTheLoopChannel). XSS: agent-written text
 * renders as text and runs nothing.
 */
import {
  ActionStatus,
  createManualClock,
  HumanActionHandler,
  type HumanInTheLoopChannel,
} from "@safeguards/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { launchChromium, runBrowserTests, signInPage, watchForScripts } from "./browser-helpers.js";
import { agentChannel, fileTransaction, TRANSACTION } from "./e2e-helpers.js";
import { AGENT, call, file, requestBody } from "./helpers.js";
import { ALICE_API_TOKEN, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

describe.runIf(runBrowserTests)("web inbox in Chromium", { timeout: 60_000 }, () => {
  let browser: Browser;
  let inbox: Inbox;
  let root: string;
  let channel: HumanInTheLoopChannel;
  let handler: HumanActionHandler;
  let page: Page;
  let incidents: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    const started = await startReviewerInbox();
    inbox = started.inbox;
    root = started.root;
    channel = await agentChannel(started.url);
    handler = new HumanActionHandler(channel);
  });
  afterAll(async () => {
    handler?.shutdown();
    await channel?.shutdown();
    await inbox?.close();
    await browser?.close();
  });
  afterEach(async () => {
    expect(incidents).toEqual([]);
    await page.context().close();
  });
  const open = async (width = 1200, at = root) => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    incidents = watchForScripts(page);
    await signInPage(page, at, "alice", PASSWORDS.alice);
  };

  it("shows a new action live, then approves it with the keyboard; the agent runs it", async () => {
    await open();
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42; // lost if the page reloads
    });
    const action = await fileTransaction(handler);
    const row = page.locator(`.row[data-id="${action.id}"]`);
    await row.waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    await expect.poll(() => page.locator("#live .total").textContent()).toBe("1");
    await page.keyboard.press("j");
    await Promise.all([page.waitForURL(/\/review\//), page.keyboard.press("Enter")]);
    await page.locator(".args code.value", { hasText: '"2500.00"' }).first().waitFor();
    expect(await page.locator(".args td.type").first().textContent()).toBe("string");
    await page.keyboard.press("a"); // arms the Approve button, decides nothing
    await page.locator("#decide-hint", { hasText: "Press a again" }).waitFor();
    await new Promise((r) => setTimeout(r, 200));
    expect(action.isFinal).toBe(false);
    await page.keyboard.press("a");
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.reviewer).toBe("alice");
    await page.locator(".status-approved").first().waitFor();
    await page.locator(".audit li", { hasText: "reviewer:alice" }).waitFor();
  });

  it("modifies through the generated form: errors in place, diff, then the agent gets the change", async () => {
    await open(390); // phone-sized
    const action = await handler.requestAction({
      title: "Pay supplier",
      description: "Pay the supplier",
      agentId: AGENT,
      action: {
        name: "pay",
        args: {
          amount: "2500.00",
          to: "ACME",
          urgent: false,
          currency: "USD",
          meta: { priority: 3 },
        },
        argsSchema: {
          type: "object",
          properties: {
            amount: { type: "string", pattern: "^[0-9]+\\.[0-9]{2}$" },
            to: { type: "string", minLength: 1, not: { const: "EVIL" } },
            urgent: { type: "boolean" },
            currency: { enum: ["USD", "EUR"] },
            meta: {
              type: "object",
              properties: { priority: { type: "integer", minimum: 1, maximum: 5 } },
            },
          },
          required: ["amount", "to"],
          additionalProperties: false,
        },
      },
    });
    await page.goto(`${root}/review/${action.id}`);
    await page.keyboard.press("m");
    const field = (path: string) => page.locator(`.field[data-path="${path}"]`);
    // The client checks neither `not` nor `pattern` (the agent's regex could freeze the tab):
    // the server's invalid_modification lands next to each field.
    await field("/amount").locator("input").fill("12,5");
    await field("/to").locator("input").fill("EVIL");
    await page.click('#modify-form button[type="submit"]');
    await page.click("#modify-confirm");
    await expect.poll(() => field("/to").locator(".field-error").textContent()).not.toBe("");
    expect(await field("/amount").locator(".field-error").textContent()).toContain("pattern");
    expect(await page.locator("#modify-error").textContent()).toContain("args_schema");
    expect(action.isFinal).toBe(false);
    // Correct it and change the other kinds of fields too.
    await field("/amount").locator("input").fill("1800.00");
    await field("/to").locator("input").fill("ACME Ltd");
    await field("/urgent").locator("input").check();
    await field("/currency").locator("select").selectOption({ label: '"EUR"' });
    await field("/meta/priority").locator("input").fill("9");
    await page.click('#modify-form button[type="submit"]');
    expect(await field("/meta/priority").locator(".field-error").textContent()).toContain("≤ 5");
    await field("/meta/priority").locator("input").fill("5");
    await page.click('#modify-form button[type="submit"]');
    const diff = page.locator("#modify-diff");
    await diff.waitFor();
    expect(await diff.locator("tbody tr").count()).toBe(5);
    expect(await diff.locator("tr", { hasText: "amount" }).locator("td.old").textContent()).toBe(
      '"2500.00"',
    );
    expect(await diff.locator("tr", { hasText: "amount" }).locator("td.new").textContent()).toBe(
      '"1800.00"',
    );
    await page.click("#modify-confirm");
    expect(await handler.waitForAction(action)).toBe(ActionStatus.MODIFIED);
    expect(action.approvedValues).toEqual({
      amount: "1800.00",
      to: "ACME Ltd",
      urgent: true,
      currency: "EUR",
      meta: { priority: 5 },
    });
  });

  it("runs an agent's pattern on the server under its deadline, never in the reviewer's tab", async () => {
    await open();
    const action = await handler.requestAction({
      title: "Hostile pattern",
      description: "The agent's schema backtracks catastrophically",
      agentId: AGENT,
      action: {
        name: "tag",
        args: { code: "aaa" },
        argsSchema: {
          type: "object",
          properties: { code: { type: "string", pattern: "^(a+)+$" } },
        },
      },
    });
    await page.goto(`${root}/review/${action.id}`);
    await page.keyboard.press("m");
    await page.locator('.field[data-path="/code"] input').fill(`${"a".repeat(40)}!`);
    await page.click('#modify-form button[type="submit"]'); // a tab running the regex froze here
    await page.click("#modify-confirm");
    await expect
      .poll(() => page.locator("#modify-error").textContent())
      .toContain("args_schema cannot be used");
    expect(action.isFinal).toBe(false);
  });

  it("takes rows off the list live when an action is decided elsewhere or expires", async () => {
    const clock = createManualClock(Date.now());
    const own = await startReviewerInbox({}, { clock });
    try {
      await open(1200, own.root);
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 7; // lost if the page reloads
      });
      const decided = requestBody(clock);
      const expiring = requestBody(clock, {}, 60_000);
      const staying = requestBody(clock);
      for (const body of [decided, expiring, staying])
        expect((await file(own.url, body)).status).toBe(201);
      const row = (id: string) => page.locator(`.row[data-id="${id}"]`);
      await expect.poll(() => page.locator("#live .total").textContent()).toBe("3");
      const rejected = await call(own.url, `/actions/${decided.id}/decision`, {
        token: ALICE_API_TOKEN,
        body: { type: "reject", comments: "decided elsewhere" },
      });
      expect(rejected.status).toBe(200);
      await row(decided.id).waitFor({ state: "detached" });
      clock.advance(61_000);
      await own.inbox.sweepExpired();
      await row(expiring.id).waitFor({ state: "detached" });
      await expect.poll(() => page.locator("#live .total").textContent()).toBe("1");
      expect(await row(staying.id).count()).toBe(1);
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
    } finally {
      await own.inbox.close();
    }
  });

  it("rejects with a reason; the agent hears the reason", async () => {
    await open();
    const action = await fileTransaction(handler);
    await page.goto(`${root}/review/${action.id}`);
    await page.keyboard.press("r");
    await page.keyboard.type("Too risky this week");
    await page.click('#reject-form button[type="submit"]');
    expect(await handler.waitForAction(action)).toBe(ActionStatus.REJECTED);
    expect(action.comments).toBe("Too risky this week");
    await page.locator("q.comments", { hasText: "Too risky this week" }).waitFor();
    await page.goto(`${root}/history?q=risky`);
    expect(await page.locator("table.history tbody tr").count()).toBe(1);
    expect(await page.locator("table.history td.who").textContent()).toBe("alice");
    expect(TRANSACTION.amount).toBe("2500.00");
  });

  it("renders hostile titles, descriptions, argument names and values as text and runs nothing", async () => {
    await open();
    const evil =
      '<script>window.pwned=1;alert("x")</script><img src=x onerror="window.pwned=2;alert(2)">';
    const link = "javascript:alert(document.domain)";
    const action = await handler.requestAction({
      title: `Title ${evil}`,
      description: `Desc ${evil} <a href="${link}">click</a>\n"quoted" & more`,
      agentId: AGENT,
      metadata: { "<img src=x onerror=alert(3)>": link },
      action: {
        name: "<svg onload=alert(4)>",
        args: {
          "<script>alert(5)</script>": evil,
          url: link,
          "</script><script>alert(6)</script>": 1,
        },
      },
    });
    await page.locator(`.row[data-id="${action.id}"]`).waitFor();
    expect(await page.locator(`.row[data-id="${action.id}"] .title`).textContent()).toBe(
      `Title ${evil}`,
    );
    await page.goto(`${root}/review/${action.id}`);
    expect(await page.locator("h1.title").textContent()).toBe(`Title ${evil}`);
    expect(await page.locator("pre.description").textContent()).toContain('<a href="javascript:');
    expect(await page.locator("main a[href^='javascript:']").count()).toBe(0);
    expect(
      await page.locator('main img, main svg, main script:not([type="application/json"])').count(),
    ).toBe(0);
    await page.keyboard.press("m");
    await page.locator(".field .name", { hasText: "<script>alert(5)</script>" }).waitFor();
    await page.click('#modify-form button[type="submit"]'); // "Nothing changed"
    await page.goto(`${root}/history`);
    await page.goto(`${root}/inbox`);
    await page.waitForTimeout(200);
    expect(
      await page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
    ).toBeUndefined();
  });
});
