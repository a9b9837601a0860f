import { createManualClock } from "@safeguards/core";
import { inboxPerTest } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import {
  AGENT_KEY,
  call,
  decideAs,
  file,
  REVIEWER_TOKEN,
  requestBody,
  tempDbPath,
} from "./helpers.js";

const startInbox = inboxPerTest();

describe("SQLite store across restarts", () => {
  it("keeps records, decisions, the cursor and the audit log; applies expiry after restart", async () => {
    const path = tempDbPath();
    const clock = createManualClock(Date.now());
    const first = await startInbox({ store: path, clock });
    const decided = requestBody(clock);
    const expiring = requestBody(clock, {}, 60_000);
    const stillPending = requestBody(clock, {}, 3_600_000);
    for (const body of [decided, expiring, stillPending]) await file(first.url, body);
    await decideAs(first.url, decided.id, { type: "reject", comments: "no" });
    const before = await call(first.url, "/decisions", { token: AGENT_KEY });
    expect(before.body.decisions).toHaveLength(1);
    await first.inbox.close();

    // The inbox is down while the deadline passes.
    clock.advance(120_000);
    const second = await startInbox({ store: path, clock });

    const record = await call(second.url, `/actions/${decided.id}`, { token: AGENT_KEY });
    expect(record.body).toMatchObject({
      status: "rejected",
      decision: { reviewer: "alice", comments: "no" },
    });
    const expired = await second.inbox.store.get(expiring.id);
    expect(expired?.record.status).toBe("timed_out");
    const after = await call(second.url, `/decisions?since=${before.body.cursor}`, {
      token: AGENT_KEY,
    });
    expect(after.body.decisions.map((d: { id: string }) => d.id)).toEqual([expiring.id]);
    expect(Number(after.body.cursor)).toBeGreaterThan(Number(before.body.cursor));
    const pending = await call(second.url, "/actions?status=pending", { token: REVIEWER_TOKEN });
    expect(pending.body.actions.map((a: { id: string }) => a.id)).toEqual([stillPending.id]);

    // Idempotency survives the restart too.
    expect((await file(second.url, stillPending)).status).toBe(200);
    expect((await file(second.url, { ...stillPending, title: "changed" })).status).toBe(409);

    const audit = await second.inbox.store.auditLog(decided.id);
    expect(audit.map((e) => [e.toStatus, e.actor])).toEqual([
      ["pending", "agent:financial_advisor"],
      ["rejected", "reviewer:alice"],
    ]);
    const expiryAudit = await second.inbox.store.auditLog(expiring.id);
    expect(expiryAudit.map((e) => e.actor)).toEqual(["agent:financial_advisor", "system:expiry"]);
  });

  it("creates the database folder and refuses to rewrite the audit log", async () => {
    const path = tempDbPath();
    const { url } = await startInbox({ store: path });
    const body = requestBody();
    await file(url, body);
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path);
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(() => db.prepare("UPDATE audit_log SET actor = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
