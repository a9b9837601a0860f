/**
 * An email link is spent by the decision it records, on a real PostgreSQL store: when the
 * database refuses the decision's transaction (a trigger raising inside it, as a failed
 * commit would), the confirm page says nothing was decided, the action stays pending and
 * the same link decides once the database works again; then it is spent (410).
 */
import { createManualClock } from "@safeguards/core";
import {
  createTestDatabase,
  eventually,
  freePort,
  PG_TEST_URL,
  type SmtpSink,
  startSmtpSink,
  type TestDatabase,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { call, file, requestBody } from "./helpers.js";
import { confirmLink as confirm, linkIn } from "./reviewer-net-helpers.js";
import { ALICE_API_TOKEN, startReviewerInbox } from "./ui-helpers.js";

const FAIL_DECISIONS = `
CREATE FUNCTION test_refuse_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'injected: the decision cannot commit'; END $$;
CREATE TRIGGER test_refuse_decisions BEFORE UPDATE ON actions
  FOR EACH ROW EXECUTE FUNCTION test_refuse_decisions();`;
const WORK_AGAIN = `
DROP TRIGGER test_refuse_decisions ON actions;
DROP FUNCTION test_refuse_decisions();`;

describe.runIf(PG_TEST_URL)("email links on PostgreSQL when the decision fails", () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let inbox: Inbox;
  let url: string;
  const errors: unknown[] = [];
  const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    const port = await freePort();
    const started = await startReviewerInbox(
      {
        publicUrl: `http://127.0.0.1:${port}`,
        email: {
          smtp: { host: "127.0.0.1", port: sink.port, requireTls: false },
          from: "Safeguards <inbox@example.test>",
        },
      },
      { store: db.url, clock, onError: (e) => errors.push(e) },
      port,
    );
    inbox = started.inbox;
    url = started.url;
  });
  afterAll(async () => {
    await inbox?.close();
    await sink?.close();
    await db?.drop();
  });

  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const status = async (id: string) =>
    (await call(url, `/actions/${id}`, { token: ALICE_API_TOKEN })).body.status;

  it("a link whose decision did not commit still works, and is spent by the one that does", async () => {
    const body = requestBody(clock);
    await file(url, body);
    await eventually(() => sink.mails.some((m) => m.envelope.to.includes("alice@example.test")));
    const mail = sink.mails.find((m) => m.envelope.to.includes("alice@example.test"));
    const approve = linkIn(mail!, "Approve");

    await sql(FAIL_DECISIONS);
    const failed = await confirm(approve);
    expect(failed.status).toBe(503);
    expect(failed.text).toContain("Nothing was decided");
    expect(failed.text).toContain("this link still works");
    expect(String(errors.at(-1))).toContain("injected");
    expect(await status(body.id)).toBe("pending");
    // Still offered: the confirm page shows, not "already used".
    expect((await fetch(approve)).status).toBe(200);

    await sql(WORK_AGAIN);
    const decided = await confirm(approve);
    expect(decided.status).toBe(200);
    expect(decided.text).toContain("now approved");
    expect(await status(body.id)).toBe("approved");
    const again = await confirm(approve);
    expect(again.status).toBe(410);
    expect(again.text).toContain("already used");
  });
});
