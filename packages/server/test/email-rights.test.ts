/**
 * Email links decide with the rights of the reviewer's current account: a removed
 * reviewer's links decide nothing after a restart (same secret, same store), and a link to
 * an action the reviewer may not see is answered like a link to a missing action.
 */
import { createManualClock } from "@safeguards/core";
import { eventually, freePort, type SunkMail, startSmtpSink } from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { createEmailTokens } from "../src/email/email-tokens.js";
import { createMemoryStore, type Inbox } from "../src/index.js";
import { createMemoryReviewerState } from "../src/store/memory-reviewer-state.js";
import { AGENT, AGENT_B, AGENT_B_KEY, call, file, REVIEWER_TOKEN, requestBody } from "./helpers.js";
import { linkIn } from "./reviewer-net-helpers.js";
import {
  ALICE_API_TOKEN,
  BOB_API_TOKEN,
  Browser,
  PASSWORDS,
  startReviewerInbox,
  testAccounts,
  UI_SECRET,
} from "./ui-helpers.js";

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
    const tokens = createEmailTokens({
      secret: UI_SECRET,
      clock,
      state: createMemoryReviewerState(),
    });
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

  it("a removed reviewer's link, session and token decide nothing after a restart", async () => {
    const store = createMemoryStore();
    const first = await setup({}, { store });
    const body = requestBody(clock, { agent_id: AGENT_B });
    expect((await file(first.url, body, AGENT_B_KEY)).status).toBe(201);
    await eventually(() => sink!.mails.some((m) => m.envelope.to[0] === "bob@example.test"));
    const mail = sink!.mails.find((m) => m.envelope.to[0] === "bob@example.test") as SunkMail;
    const token = linkIn(mail, "Approve").split("/email/")[1]!;
    const bob = new Browser(first.root);
    expect((await bob.signIn("bob", PASSWORDS.bob)).status).toBe(303);
    const cookie = bob.cookies.get("sg_session")!;
    await first.inbox.close();

    // The same secret and store, without bob's account.
    const again = await setup(
      { accounts: testAccounts().filter((a) => a.name !== "bob") },
      { store },
    );
    for (const method of ["GET", "POST"]) {
      const res = await page(`${again.root}/email/${token}`, method);
      expect(res.status).toBe(403);
      expect(res.text).toContain("no longer valid");
    }
    const old = new Browser(again.root);
    old.cookies.set("sg_session", cookie);
    expect((await old.fetch("/inbox")).status).toBe(303);
    expect((await call(again.url, `/actions/${body.id}`, { token: BOB_API_TOKEN })).status).toBe(
      401,
    );
    const record = (await call(again.url, `/actions/${body.id}`, { token: ALICE_API_TOKEN })).body;
    expect(record.status).toBe("pending");
    // A plain reviewerTokens name (no account) keeps full access: it is configured now.
    const plain = await call(again.url, `/actions/${body.id}`, { token: REVIEWER_TOKEN });
    expect(plain.status).toBe(200);
    await again.inbox.close();

    // bob is back with other rights: his old link has the rights of his current account.
    const narrowed = testAccounts().map((a) => (a.name === "bob" ? { ...a, agents: [AGENT] } : a));
    const third = await setup({ accounts: narrowed }, { store });
    const res = await page(`${third.root}/email/${token}`, "POST");
    expect(res.status).toBe(404);
    expect((await store.get(body.id))?.record.status).toBe("pending");
  });
});
