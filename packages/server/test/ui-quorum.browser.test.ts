/**
 * The review page's four-eyes state in a real browser (Debian Chromium): alice and bob
 * approve in turn, each in their own session. Alice reads "0 of 2 approvals", the assignees
 * and a live countdown to the escalation; after her click the page shows "waiting for 1 more
 * approval" and Reject only; bob's open page follows her approval live ("1 of 2
 * approvals (alice)"), and his approval settles the action, which the agent
 * (HumanActionHandler over HumanInTheLoopChannel) hears as approved. A reviewer who approved
 * can still veto with the page's Reject form (the agent hears rejected). No script is
 * blocked by the CSP, none is injected.
 */
import { ActionStatus, HumanActionHandler, type HumanInTheLoopChannel } from "@safeguards/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { launchChromium, runBrowserTests, signInPage, watchForScripts } from "./browser-helpers.js";
import { agentChannel } from "./e2e-helpers.js";
import { AGENT_B, AGENT_B_KEY, file } from "./helpers.js";
import { quorumAccounts, quorumBody } from "./reviewer-quorum-helpers.js";
import { PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

describe.runIf(runBrowserTests)("four-eyes review page in Chromium", { timeout: 60_000 }, () => {
  let browser: Browser;
  let inbox: Inbox;
  let root: string;
  let url: string;
  let channel: HumanInTheLoopChannel;
  let handler: HumanActionHandler;

  beforeAll(async () => {
    browser = await launchChromium();
    const started = await startReviewerInbox({ accounts: quorumAccounts() });
    ({ inbox, root, url } = started);
    channel = await agentChannel(url, { apiKey: AGENT_B_KEY, agentId: AGENT_B });
    handler = new HumanActionHandler(channel);
  });
  afterAll(async () => {
    handler?.shutdown();
    await channel?.shutdown();
    await inbox?.close();
    await browser?.close();
  });

  /** A signed-in page of `name` and the incidents (blocked or injected scripts) it saw. */
  const session = async (name: keyof typeof PASSWORDS) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const incidents = watchForScripts(page);
    await signInPage(page, root, name, PASSWORDS[name]);
    return { page, incidents };
  };
  const approveOn = async (page: Page) => {
    await Promise.all([page.waitForEvent("load"), page.click("#approve")]);
  };

  it("two reviewers approve in turn; the first waits, the second settles it", async () => {
    const body = quorumBody({ now: Date.now });
    expect((await file(url, body, AGENT_B_KEY)).status).toBe(201);
    const action = await handler.resume(body.id);

    const alice = await session("alice");
    await alice.page.goto(`${root}/review/${body.id}`);
    const quorum = alice.page.locator("#approvals .quorum");
    expect(await quorum.textContent()).toContain("0 of 2 approvals");
    expect(await alice.page.locator("#approvals .assignees").textContent()).toContain("alice, bob");
    // The countdown to the escalation step is live text, e.g. "in 59s".
    await expect
      .poll(() => alice.page.locator("time.escalates").textContent())
      .toMatch(/^in (\d+m )?\d+s$/);
    // bob has the page open while alice approves: it follows her approval live.
    const bob = await session("bob");
    await bob.page.goto(`${root}/review/${body.id}`);
    expect(await bob.page.locator("#approvals .quorum").textContent()).toContain("0 of 2");
    await approveOn(alice.page);
    await alice.page.locator("#waiting", { hasText: "waiting for 1 more approval" }).waitFor();
    expect(await alice.page.locator("#approve, #modify").count()).toBe(0);
    expect(await alice.page.locator("#reject").isVisible()).toBe(true);
    expect(await alice.page.locator("#waiting").getAttribute("role")).toBe("status");
    expect(await quorum.textContent()).toContain("1 of 2 approvals (alice)");
    expect(action.isFinal).toBe(false);

    await bob.page.locator("#approvals .quorum", { hasText: "1 of 2 approvals (alice)" }).waitFor();
    // The a-a shortcut approves here too.
    await bob.page.keyboard.press("a");
    await Promise.all([bob.page.waitForEvent("load"), bob.page.keyboard.press("a")]);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    await bob.page.locator(".status-approved").first().waitFor();
    expect(await bob.page.locator("#approvals .quorum").textContent()).toContain(
      "2 of 2 approvals (alice, bob)",
    );
    expect(await bob.page.locator("time.escalates").count()).toBe(0);

    // Alice's page follows the decision live (the event stream reloads it).
    await alice.page.locator(".status-approved").first().waitFor();
    expect([...alice.incidents, ...bob.incidents]).toEqual([]);
    await alice.page.context().close();
    await bob.page.context().close();
  });

  it("a reviewer who approved vetoes with the page's Reject form; the agent hears rejected", async () => {
    const body = quorumBody({ now: Date.now });
    expect((await file(url, body, AGENT_B_KEY)).status).toBe(201);
    const action = await handler.resume(body.id);
    const alice = await session("alice");
    await alice.page.goto(`${root}/review/${body.id}`);
    await approveOn(alice.page);
    const waiting = alice.page.locator("#waiting");
    await waiting.filter({ hasText: "waiting for 1 more approval" }).waitFor();
    expect(await waiting.textContent()).toContain("You may still reject it");
    // The r shortcut opens the reason form, as for a reviewer who has not approved.
    await alice.page.keyboard.press("r");
    await alice.page.locator("#reject-reason").fill("The payee changed its bank details");
    await Promise.all([
      alice.page.waitForEvent("load"),
      alice.page.click("#reject-form button[type=submit]"),
    ]);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.REJECTED);
    await alice.page.locator(".status-rejected").first().waitFor();
    expect(await alice.page.locator(".decision .comments").textContent()).toBe(
      "The payee changed its bank details",
    );
    expect(await alice.page.locator("#reject").count()).toBe(0);
    expect(alice.incidents).toEqual([]);
    await alice.page.context().close();
  });
});
