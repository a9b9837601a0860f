/**
 * Email links decide with the rights of the reviewer's current account: a link to an
 * action the reviewer may not see is answered like a link to a missing action.
 */
import { createManualClock } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import { createEmailTokens } from "../src/email/email-tokens.js";
import type { Inbox } from "../src/index.js";
import { file, requestBody } from "./helpers.js";
import { freePort, startSmtpSink } from "./reviewer-net-helpers.js";
import { startReviewerInbox, UI_SECRET } from "./ui-helpers.js";

let inbox: Inbox | undefined;
let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
afterEach(async () => {
  await inbox?.close();
  await sink?.close();
  inbox = sink = undefined;
});

const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));

/** An inbox mailing a plain-text SMTP sink (extra options for the reviewer side). */
async function setup(reviewers: Record<string, unknown> = {}, overrides = {}) {
  sink ??= await startSmtpSink();
  const port = await freePort();
  const started = await startReviewerInbox(
    {
      publicUrl: `http://127.0.0.1:${port}`,
      email: {
        smtp: { host: "127.0.0.1", port: sink.port, requireTls: false },
        from: "Safeguards <inbox@example.test>",
      },
      ...reviewers,
    },
    { clock, ...overrides },
    port,
  );
  inbox = started.inbox;
  return started;
}

const page = async (url: string, method = "GET") => {
  const res = await fetch(url, {
    method,
    redirect: "manual",
    ...(method === "POST"
      ? { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" }
      : {}),
  });
  return { status: res.status, text: await res.text() };
};

describe("email links and rights", () => {
  it("a link to an action the reviewer may not see answers like one to a missing action", async () => {
    const { url, root } = await setup();
    const body = requestBody(clock); // financial_advisor: bob has no right to it
    expect((await file(url, body)).status).toBe(201);
    const tokens = createEmailTokens({ secret: UI_SECRET, clock });
    const exp = clock.now() + 60_000;
    const link = (id: string) => `${root}/email/${tokens.issue(id, "approve", "bob", exp)}`;
    for (const method of ["GET", "POST"]) {
      const unseen = await page(link(body.id), method);
      const missing = await page(link("act_missing"), method);
      expect([unseen.status, missing.status]).toEqual([404, 404]);
      expect(unseen.text.replaceAll(body.id, "ID")).toBe(
        missing.text.replaceAll("act_missing", "ID"),
      );
    }
  });
});
