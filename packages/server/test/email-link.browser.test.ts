/**
 * Email approval links in a real browser (Debian Chromium): the reviewer opens the link
 * from the mail received by smtp-server, sees a confirmation page (the visit decides
 * nothing), confirms, and the decision reaches the waiting agent; the link then refuses
 * a second use.
 */
import { ActionStatus, HumanActionHandler, type HumanInTheLoopChannel } from "@safeguards/core";
import {
  eventually,
  freePort,
  type SmtpSink,
  type SunkMail,
  startSmtpSink,
} from "@safeguards/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { launchChromium, runBrowserTests, watchForScripts } from "./browser-helpers.js";
import { agentChannel, fileTransaction } from "./e2e-helpers.js";
import { linkIn } from "./reviewer-net-helpers.js";
import { startReviewerInbox } from "./ui-helpers.js";

describe.runIf(runBrowserTests)("email links in Chromium", { timeout: 60_000 }, () => {
  let browser: Browser;
  let inbox: Inbox;
  let sink: SmtpSink;
  let channel: HumanInTheLoopChannel;
  let handler: HumanActionHandler;

  beforeAll(async () => {
    browser = await launchChromium();
    sink = await startSmtpSink();
    const port = await freePort();
    const started = await startReviewerInbox(
      {
        publicUrl: `http://127.0.0.1:${port}`,
        email: {
          smtp: { host: "127.0.0.1", port: sink.port, requireTls: false }, // the sink has no TLS
          from: "inbox@example.test",
        },
      },
      {},
      port,
    );
    inbox = started.inbox;
    channel = await agentChannel(started.url);
    handler = new HumanActionHandler(channel);
  });
  afterAll(async () => {
    handler?.shutdown();
    await channel?.shutdown();
    await inbox?.close();
    await sink?.close();
    await browser?.close();
  });

  const mailFor = async (id: string) => {
    await eventually(() => sink.mails.some((m) => m.parsed.text?.includes(`/review/${id}`)));
    return sink.mails.find((m) => m.parsed.text?.includes(`/review/${id}`)) as SunkMail;
  };

  it("approve: opening the link decides nothing, confirming reaches the agent, reuse is refused", async () => {
    const page = await browser.newPage();
    const incidents = watchForScripts(page);
    const action = await fileTransaction(handler);
    const approve = linkIn(await mailFor(action.id), "Approve");
    await page.goto(approve);
    await page.locator("#confirm", { hasText: "Approve as alice" }).waitFor();
    await page.reload(); // a second visit (like a scanner's prefetch) still decides nothing
    await new Promise((r) => setTimeout(r, 300));
    expect(action.isFinal).toBe(false);
    await Promise.all([page.waitForLoadState(), page.click("#confirm")]);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.reviewer).toBe("alice");
    await page.locator("h1", { hasText: "Approved" }).waitFor();
    const again = await page.goto(approve);
    expect(again?.status()).toBe(410);
    expect(incidents).toEqual([]);
    await page.close();
  });

  it("reject: the reason typed on the confirmation page reaches the agent", async () => {
    const page = await browser.newPage();
    const action = await fileTransaction(handler);
    await page.goto(linkIn(await mailFor(action.id), "Reject"));
    await page.fill('textarea[name="comments"]', "Over budget");
    await page.click("#confirm");
    expect(await handler.waitForAction(action)).toBe(ActionStatus.REJECTED);
    expect(action.comments).toBe("Over budget");
    await page.close();
  });
});
