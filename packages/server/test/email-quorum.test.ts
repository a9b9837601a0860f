/**
 * Email approvals of four-eyes actions against a real SMTP server (smtp-server): notices go
 * only to the assignees (with rights and an email); an email Approve link counts as one
 * approval of its reviewer (the action stays pending until the second); an escalation step
 * mails the reviewers it adds, whose links then decide.
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
import { createMemoryStore, type Inbox } from "../src/index.js";
import type { ActionStore } from "../src/store/action-store.js";
import { AGENT_B_KEY, call, file } from "./helpers.js";
import { confirmLink as confirm, linkIn } from "./reviewer-net-helpers.js";
import {
  DAVE,
  ESCALATE_AFTER_SECONDS,
  quorumAccounts,
  quorumBody,
} from "./reviewer-quorum-helpers.js";
import { ALICE_API_TOKEN, startReviewerInbox } from "./ui-helpers.js";

let inbox: Inbox | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await inbox?.close();
  await sink?.close();
  inbox = sink = undefined;
});

/** An inbox with dave's account mailing a plain-text sink (on `store`, memory by default). */
async function setup(store: ActionStore | "memory" = "memory") {
  const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));
  sink = await startSmtpSink();
  const port = await freePort();
  const started = await startReviewerInbox(
    {
      accounts: quorumAccounts(),
      publicUrl: `http://127.0.0.1:${port}`,
      email: {
        smtp: { host: "127.0.0.1", port: sink.port, requireTls: false },
        from: "Safeguards <inbox@example.test>",
      },
    },
    { clock, store },
    port,
  );
  inbox = started.inbox;
  return { ...started, clock };
}

const mailTo = (to: string) => sink!.mails.filter((m) => m.envelope.to.includes(to)) as SunkMail[];
const record = async (url: string, id: string) =>
  (await call(url, `/actions/${id}`, { token: ALICE_API_TOKEN })).body;

describe("email approvals of four-eyes actions", () => {
  it("mails only the assignees; each link is one approval; the second settles it", async () => {
    const { url, clock } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => sink!.mails.length >= 2);
    await inbox!.notificationsIdle();
    // dave (the CFO) may see every agent but is not assigned yet: no mail.
    expect(sink!.mails.map((m) => m.envelope.to[0]).sort()).toEqual([
      "alice@example.test",
      "bob@example.test",
    ]);
    const aliceMail = mailTo("alice@example.test")[0]!;
    expect(aliceMail.parsed.text).toContain("Assigned to: alice, bob");
    expect(aliceMail.parsed.text).toContain("Approvals: 0 of 2 approvals");

    const first = await confirm(linkIn(aliceMail, "Approve"));
    expect(first.status).toBe(200);
    expect(first.text).toContain("Approval recorded");
    expect(first.text).toContain("1 of 2 approvals (alice)");
    expect(first.text).toContain("waiting for 1 more approval");
    expect((await record(url, body.id)).status).toBe("pending");

    const second = await confirm(linkIn(mailTo("bob@example.test")[0]!, "Approve"));
    expect(second.status).toBe(200);
    expect(second.text).toContain("now approved");
    const done = await record(url, body.id);
    expect(done.status).toBe("approved");
    expect(done.decision.approvals.map((a: { reviewer: string }) => a.reviewer)).toEqual([
      "alice",
      "bob",
    ]);
    expect(done.decision.approvals[0].comments).toBe("Approved by email");
  });

  it("a reviewer who approved elsewhere is told so by the link, which decides nothing", async () => {
    const { url, clock } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => mailTo("alice@example.test").length === 1);
    await call(url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "approve" },
    });
    const link = linkIn(mailTo("alice@example.test")[0]!, "Approve");
    const shown = await fetch(link);
    expect(shown.status).toBe(409);
    expect(await shown.text()).toContain("waiting for 1 more approval");
    const again = await confirm(link);
    expect(again.status).toBe(409);
    expect((await record(url, body.id)).approvals).toHaveLength(1);
  });

  it("a link whose approval meets a concurrent one is counted on the new state, spent once", async () => {
    // bob's approval lands between the read and the write of alice's (a stale quorum): her
    // decision is planned again on the new state, where it is the second approval.
    const inner = createMemoryStore();
    let raced = false;
    const store: ActionStore = {
      ...inner,
      async update(input) {
        if (!raced && input.actor === "reviewer:alice") {
          raced = true;
          const current = (await inner.get(input.id))!;
          const approval = { reviewer: "bob", decided_at: input.at, comments: null };
          await inner.update({
            ...input,
            record: { ...current.record, approvals: [approval] },
            actor: "reviewer:bob",
          });
        }
        return inner.update(input);
      },
    };
    const { url, clock } = await setup(store);
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => mailTo("alice@example.test").length === 1);
    const link = linkIn(mailTo("alice@example.test")[0]!, "Approve");
    const first = await confirm(link);
    expect(raced).toBe(true);
    expect(first.status).toBe(200);
    expect(first.text).toContain("now approved");
    const done = await record(url, body.id);
    expect(done.decision.approvals.map((a: { reviewer: string }) => a.reviewer)).toEqual([
      "bob",
      "alice",
    ]);
    const again = await confirm(link);
    expect(again.status).toBe(410);
  });

  it("an escalation step mails the reviewers it adds; their link counts", async () => {
    const { url, clock } = await setup();
    // The step names alice too, who has approved by then: only dave is mailed.
    const body = quorumBody(clock, {
      escalation: [{ after_seconds: ESCALATE_AFTER_SECONDS, assignees: ["group:cfo", "alice"] }],
    });
    await file(url, body, AGENT_B_KEY);
    await eventually(() => sink!.mails.length >= 2);
    await confirm(linkIn(mailTo("alice@example.test")[0]!, "Approve"));
    await inbox!.notificationsIdle();
    expect(mailTo(DAVE.email)).toHaveLength(0);

    clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
    await inbox!.sweepExpired();
    await eventually(() => mailTo(DAVE.email).length === 1);
    await inbox!.notificationsIdle();
    // Only the reviewer the step added is mailed (alice and bob were told already).
    expect(sink!.mails).toHaveLength(3);
    const notice = mailTo(DAVE.email)[0]!;
    expect(notice.parsed.subject).toContain("Escalated to you");
    expect(notice.parsed.text).toContain("Escalated to group:cfo, alice");
    expect(notice.parsed.text).toContain("1 of 2 approvals (alice)");
    const settled = await confirm(linkIn(notice, "Approve"));
    expect(settled.status).toBe(200);
    const done = await record(url, body.id);
    expect(done.status).toBe("approved");
    expect(done.decision.reviewer).toBe(DAVE.name);
  });

  it("an escalation step naming reviewers already assigned mails only those it adds", async () => {
    const { url, clock } = await setup();
    // bob is assigned from the start and has not approved; the step names him again.
    const body = quorumBody(clock, {
      escalation: [{ after_seconds: ESCALATE_AFTER_SECONDS, assignees: ["bob", "group:cfo"] }],
    });
    await file(url, body, AGENT_B_KEY);
    await eventually(() => sink!.mails.length >= 2);
    await inbox!.notificationsIdle();
    expect(mailTo("bob@example.test")).toHaveLength(1);

    clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
    await inbox!.sweepExpired();
    await eventually(() => mailTo(DAVE.email).length === 1);
    await inbox!.notificationsIdle();
    expect(mailTo("bob@example.test")).toHaveLength(1);
    expect(mailTo("alice@example.test")).toHaveLength(1);
    expect(sink!.mails).toHaveLength(3);
    expect((await record(url, body.id)).assignees).toEqual(["alice", "bob", "group:cfo"]);
  });
});
