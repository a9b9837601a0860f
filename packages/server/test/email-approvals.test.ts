/**
 * Email approvals against a real SMTP server (smtp-server + mailparser): the reviewers with
 * rights get a mail with signed links; GET (a prefetching mail scanner) decides nothing;
 * the confirming POST decides once; reused, expired and forged links are refused.
 */
import { createManualClock } from "@safeguards/core";
import {
  eventually,
  freePort,
  type SmtpSink,
  type SunkMail,
  startSmtpSink,
} from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_B, AGENT_B_KEY, call, file, requestBody } from "./helpers.js";
import { linkIn } from "./reviewer-net-helpers.js";
import { ALICE_API_TOKEN, startReviewerInbox } from "./ui-helpers.js";

let inbox: Inbox | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await inbox?.close();
  await sink?.close();
  inbox = sink = undefined;
});

/** An inbox mailing a plain-text sink; `tls: "default"` leaves the TLS options unset. */
async function setup(
  clock = createManualClock(Date.parse("2026-11-29T12:00:00Z")),
  { tls = "off", onError }: { tls?: "off" | "default"; onError?: (e: unknown) => void } = {},
) {
  sink = await startSmtpSink();
  const port = await freePort();
  const again = await startReviewerInbox(
    {
      publicUrl: `http://127.0.0.1:${port}`,
      email: {
        smtp: {
          host: "127.0.0.1",
          port: sink.port,
          ...(tls === "off" ? { requireTls: false } : {}), // the sink offers no STARTTLS
        },
        from: "Safeguards <inbox@example.test>",
        linkTtlSeconds: 120,
      },
    },
    { clock, ...(onError ? { onError } : {}) },
    port,
  );
  inbox = again.inbox;
  return { ...again, clock };
}

const page = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, { redirect: "manual", ...init });
  return { status: res.status, text: await res.text(), headers: res.headers };
};
const confirm = (url: string, fields: Record<string, string> = {}) =>
  page(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
const status = async (url: string, id: string) =>
  (await call(url, `/actions/${id}`, { token: ALICE_API_TOKEN })).body;

describe("email approvals", () => {
  it("require TLS by default: a server without STARTTLS gets nothing, and onError says why", async () => {
    const errors: unknown[] = [];
    const { url, clock } = await setup(undefined, {
      tls: "default",
      onError: (e) => errors.push(e),
    });
    await file(url, requestBody(clock));
    await eventually(() => errors.length >= 1);
    expect(String(errors[0])).toMatch(/STARTTLS/i);
    expect(sink!.mails).toHaveLength(0);
  });

  it("mails the reviewers with rights; GET shows, POST decides once", async () => {
    const { url, clock } = await setup();
    const body = requestBody(clock);
    body.title = 'Pay <b>"ACME"</b>';
    await file(url, body);
    await eventually(() => sink!.mails.length >= 1);
    await inbox!.notificationsIdle(); // every mail queued so far is sent: nothing else comes
    // alice may see every agent; bob only the other agent; carol has no email.
    expect(sink!.mails.map((m) => m.envelope.to)).toEqual([["alice@example.test"]]);
    const mail = sink!.mails[0] as SunkMail;
    expect(mail.parsed.subject).toBe('[Safeguards] WARNING: Pay <b>"ACME"</b>');
    expect(mail.parsed.html).toContain("Pay &lt;b&gt;&quot;ACME&quot;&lt;/b&gt;");
    const approve = linkIn(mail, "Approve");
    expect(linkIn(mail, "Review / modify")).toMatch(new RegExp(`/review/${body.id}$`));

    // A mail scanner prefetching the link, twice: nothing is decided.
    for (let i = 0; i < 2; i++) {
      const shown = await page(approve);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("Approve as alice");
      expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
      expect(shown.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
    const head = await page(approve, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect((await status(url, body.id)).status).toBe("pending");

    const done = await confirm(approve);
    expect(done.status).toBe(200);
    const record = await status(url, body.id);
    expect(record.status).toBe("approved");
    expect(record.decision.reviewer).toBe("alice");
    expect(record.decision.comments).toBe("Approved by email");

    const reused = await confirm(approve);
    expect(reused.status).toBe(410);
    expect(reused.text).toContain("already used");
    expect((await page(approve)).status).toBe(410);
  });

  it("rejects with the reason typed on the confirmation page", async () => {
    const { url, clock } = await setup();
    const body = requestBody(clock);
    await file(url, body);
    await eventually(() => sink!.mails.length >= 1);
    const reject = linkIn(sink!.mails[0] as SunkMail, "Reject");
    expect((await page(reject)).text).toContain('name="comments"');
    expect((await confirm(reject, { comments: "Not this quarter" })).status).toBe(200);
    const record = await status(url, body.id);
    expect(record.status).toBe("rejected");
    expect(record.decision.comments).toBe("Not this quarter");
  });

  it("refuses expired, forged and stale links, and links to actions decided elsewhere", async () => {
    const { url, clock } = await setup();
    const first = requestBody(clock);
    await file(url, first);
    const second = requestBody(clock);
    await file(url, second);
    await eventually(() => sink!.mails.length >= 2);
    const linkFor = (id: string, label: string) =>
      linkIn(sink!.mails.find((m) => m.parsed.text?.includes(`/review/${id}`)) as SunkMail, label);

    // Forged: a flipped character in the signature.
    const approve = linkFor(first.id, "Approve");
    const flip = approve.at(-2) === "A" ? "B" : "A"; // a character that really differs
    const forged = `${approve.slice(0, -2)}${flip}${approve.slice(-1)}`;
    expect((await confirm(forged)).status).toBe(400);
    // Swap the decision in the payload, keep the signature: refused.
    const [payload, sig] = approve.split("/email/")[1]!.split(".");
    const swapped = JSON.parse(Buffer.from(payload!, "base64url").toString());
    swapped.d = "reject";
    const tampered = `${approve.split("/email/")[0]}/email/${Buffer.from(JSON.stringify(swapped)).toString("base64url")}.${sig}`;
    expect((await confirm(tampered)).status).toBe(400);
    // A valid link with an unreadable (broken multipart) or oversize form: refused, not a 5xx.
    const broken = await page(approve, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: "comments=x",
    });
    expect(broken.status).toBe(400);
    expect((await confirm(approve, { comments: "x".repeat(20_000) })).status).toBe(413);
    expect((await status(url, first.id)).status).toBe("pending");

    // Decided elsewhere first: the link decides nothing.
    await call(url, `/actions/${second.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "reject", comments: "in the API" },
    });
    const late = await confirm(linkFor(second.id, "Approve"));
    expect(late.status).toBe(409);
    expect((await status(url, second.id)).status).toBe("rejected");

    // Expired (link lifetime 120 s, action lifetime 300 s).
    clock.advance(121_000);
    const expired = await confirm(approve);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain("expired");
    expect((await status(url, first.id)).status).toBe("pending");
  });

  it("does not mail reviewers without the right; bob gets the other agent's actions", async () => {
    const { url, clock } = await setup();
    await file(url, requestBody(clock, { agent_id: AGENT_B }), AGENT_B_KEY);
    await eventually(() => sink!.mails.length >= 2);
    await inbox!.notificationsIdle(); // every mail queued so far is sent: nothing else comes
    expect(sink!.mails.map((m) => m.envelope.to[0]).sort()).toEqual([
      "alice@example.test",
      "bob@example.test",
    ]);
  });
});
