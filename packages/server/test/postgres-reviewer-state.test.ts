/**
 * Two inbox processes started through the CLI on one throwaway PostgreSQL database share
 * the reviewer state: a logout on A refuses the cookie on B (and on A after a restart),
 * failed sign-ins on A throttle B, an email link used on A is refused on B, and of two
 * concurrent uses of one link on A and B exactly one decides.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type SmtpSink,
  type SunkMail,
  startSmtpSink,
  type TestDatabase,
} from "@safeguards/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_KEY, file, requestBody } from "./helpers.js";
import { type InboxProcess, startInboxProcess } from "./reliability/inbox-process.js";
import { linkIn } from "./reviewer-net-helpers.js";
import { Browser, PASSWORDS, testAccounts, UI_SECRET } from "./ui-helpers.js";

const PUBLIC_URL = "http://inbox.example.test";

describe.runIf(PG_TEST_URL)("reviewer state shared by two CLI inboxes on PostgreSQL", () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let dir: string;
  let args: string[];
  const env = {
    SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`,
    SAFEGUARDS_REVIEWER_SECRET: UI_SECRET,
  };
  const running: InboxProcess[] = [];
  const start = async () => {
    const inbox = await startInboxProcess(db.url, env, args);
    running.push(inbox);
    return inbox;
  };
  let a: InboxProcess;
  let b: InboxProcess;
  const rootOf = (inbox: InboxProcess) => inbox.url.replace(/\/api$/, "");

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    dir = mkdtempSync(join(tmpdir(), "sg-shared-reviewers-"));
    const accounts = join(dir, "reviewers.json");
    writeFileSync(accounts, JSON.stringify(testAccounts()));
    args = [
      "--reviewers",
      accounts,
      "--public-url",
      PUBLIC_URL,
      "--smtp-url",
      `smtp://127.0.0.1:${sink.port}?require_tls=false`,
      "--email-from",
      "Inbox <inbox@example.test>",
    ];
    a = await start();
    b = await start();
  }, 60_000);
  afterAll(async () => {
    for (const inbox of running) await inbox.stop();
    await sink?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a logout on A refuses the cookie on B, and on A after A restarts", async () => {
    const onA = new Browser(rootOf(a));
    expect((await onA.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    const kept = onA.at(rootOf(b)); // the same cookie, sent to B
    expect((await kept.fetch("/inbox")).status).toBe(200);
    const csrf = await onA.csrf();
    const stolen = onA.at(rootOf(a));
    expect((await onA.form("/logout", { _csrf: csrf })).status).toBe(303);
    const refused = await kept.fetch("/inbox");
    expect(refused.status).toBe(303);
    expect(refused.headers.get("location")).toMatch(/\/login\?next=/);
    expect((await stolen.fetch("/inbox")).status).toBe(303);

    expect(await a.stop()).toBe(0);
    a = await start();
    expect((await stolen.at(rootOf(a)).fetch("/inbox")).status).toBe(303);
    // The restarted A works: a new sign-in is accepted on both.
    const again = new Browser(rootOf(a));
    expect((await again.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    expect((await again.at(rootOf(b)).fetch("/inbox")).status).toBe(200);
  }, 60_000);

  it("failed sign-ins on A throttle B", async () => {
    const onA = new Browser(rootOf(a));
    for (let i = 0; i < 5; i++) expect((await onA.signIn("bob", "guess")).status).toBe(401);
    const onB = new Browser(rootOf(b));
    const locked = await onB.signIn("bob", PASSWORDS.bob);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Only bob from this address is locked: carol still signs in on B.
    expect((await onB.signIn("carol", PASSWORDS.carol)).status).toBe(303);
  }, 60_000);

  const mailFor = async (id: string) => {
    await eventually(() => sink.mails.some((m) => m.parsed.text?.includes(`/review/${id}`)));
    return sink.mails.find(
      (m) =>
        m.envelope.to.includes("alice@example.test") && m.parsed.text?.includes(`/review/${id}`),
    ) as SunkMail;
  };
  /** The link of the mail, pointed at `inbox`. */
  const on = (inbox: InboxProcess, link: string) => link.replace(PUBLIC_URL, rootOf(inbox));
  const confirm = (url: string) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
      redirect: "manual",
    });

  it("an email link used on A is refused on B", async () => {
    const body = requestBody();
    expect((await file(a.url, body)).status).toBe(201);
    const approve = linkIn(await mailFor(body.id), "Approve");
    const used = await confirm(on(a, approve));
    expect(used.status).toBe(200);
    for (const method of ["GET", "POST"]) {
      const again = method === "GET" ? await fetch(on(b, approve)) : await confirm(on(b, approve));
      expect(again.status).toBe(410);
      expect(await again.text()).toContain("already used");
    }
  }, 60_000);

  it("of one link confirmed on A and on B at once, exactly one decides", async () => {
    const body = requestBody();
    expect((await file(b.url, body)).status).toBe(201);
    const approve = linkIn(await mailFor(body.id), "Approve");
    const answers = await Promise.all([confirm(on(a, approve)), confirm(on(b, approve))]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 410]);
  }, 60_000);
});
