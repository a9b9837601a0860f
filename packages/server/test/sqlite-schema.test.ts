import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { deferCleanup } from "@safeguards/test-support";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { SQLITE_SCHEMA_VERSION } from "../src/store/sqlite-schema.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";
import { decide, file, pendingRecord } from "./store-contract.js";

const V1_SCHEMA = readFileSync(new URL("./fixtures/sqlite-schema-v1.sql", import.meta.url), "utf8");
const defer = deferCleanup();

async function openStore(path: string): Promise<ActionStore> {
  const store = createSqliteStore({ path });
  defer(() => store.close());
  await store.init();
  return store;
}

function inspect<T>(path: string, read: (db: Database.Database) => T): T {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const indexes = (db: Database.Database) =>
  db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((r) => r.name);

describe("SQLite schema", () => {
  it("writes each change's audit entry in the same statement, by trigger", async () => {
    const path = tempDbPath();
    const store = await openStore(path);
    await file(store, "act_1", "bot");
    await store.transition(decide("act_1", "rejected", { actor: "reviewer:bob" }));
    expect((await store.auditLog("act_1")).map((e) => [e.fromStatus, e.toStatus, e.actor])).toEqual(
      [
        [null, "pending", "agent:bot"],
        ["pending", "rejected", "reviewer:bob"],
      ],
    );
    inspect(path, (db) => {
      expect(db.pragma("user_version", { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      // A write whose audit entry cannot be written (no actor) is not stored either.
      expect(() =>
        db
          .prepare(
            `INSERT INTO actions (id, agent_id, status, expires_ms, request_hash, record)
             VALUES ('act_2', 'bot', 'pending', 0, 'h', '{}')`,
          )
          .run(),
      ).toThrow(/NOT NULL constraint failed: audit_log.actor/);
      expect(db.prepare("SELECT COUNT(*) AS n FROM actions WHERE id = 'act_2'").get()).toEqual({
        n: 0,
      });
      // Listing pending actions newest first reads the partial index, not the table.
      const plan = db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT seq FROM actions WHERE status = 'pending' ORDER BY seq DESC LIMIT 20",
        )
        .all() as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join(" ")).toMatch(/actions_pending_seq/);
    });
  });

  it("migrates a version-1 file: old actions can be decided and keep their audit trail", async () => {
    const path = tempDbPath();
    inspect(path, (db) => {
      db.exec(V1_SCHEMA);
      db.pragma("user_version = 1");
      // What the version-1 store wrote for one pending and one decided action.
      const insert = db.prepare(
        `INSERT INTO actions (id, agent_id, status, expires_ms, request_hash, callback_url, record, decision_seq)
         VALUES (?, 'bot', ?, ?, 'hash', NULL, ?, ?)`,
      );
      const audit = db.prepare(
        "INSERT INTO audit_log (action_id, from_status, to_status, actor, at) VALUES (?, ?, ?, ?, ?)",
      );
      const old = pendingRecord("act_old", "bot");
      insert.run("act_old", "pending", Date.parse(old.expires_at), JSON.stringify(old), null);
      audit.run("act_old", null, "pending", "agent:bot", old.created_at);
      const done = { ...pendingRecord("act_done", "bot"), status: "approved" };
      insert.run("act_done", "approved", Date.parse(done.expires_at), JSON.stringify(done), 1);
      audit.run("act_done", null, "pending", "agent:bot", done.created_at);
      audit.run("act_done", "pending", "approved", "reviewer:alice", done.created_at);
    });

    const store = await openStore(path);
    expect(
      (await store.list({ status: "pending", limit: 10 })).actions.map((a) => a.record.id),
    ).toEqual(["act_old"]);
    // An action filed before version 4 starts at revision 0 and takes quorum updates.
    expect((await store.get("act_old"))?.revision).toBe(0);
    const updated = await store.update({
      id: "act_old",
      record: { ...pendingRecord("act_old", "bot"), approvals: [] },
      revision: 0,
      actor: "system:escalation",
      at: pendingRecord("act_old", "bot").created_at,
    });
    expect(updated).toMatchObject({ ok: true, action: { revision: 1 } });
    const decided = await store.transition(decide("act_old", "approved"));
    expect(decided).toMatchObject({ ok: true, action: { decisionSeq: 2 } });
    await file(store, "act_new", "bot");
    expect((await store.auditLog("act_old")).map((e) => e.actor)).toEqual([
      "agent:bot",
      "system:escalation",
      "reviewer:alice",
    ]);
    expect((await store.auditLog("act_done")).map((e) => e.toStatus)).toEqual([
      "pending",
      "approved",
    ]);
    expect((await store.auditLog("act_new")).map((e) => e.toStatus)).toEqual(["pending"]);
    expect(await store.decisionsSince({ agentId: "bot", after: 0, limit: 10 })).toHaveLength(2);
    await store.close();

    inspect(path, (db) => {
      expect(db.pragma("user_version", { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(indexes(db)).toEqual([
        "actions_agent_decisions",
        "actions_pending_callbacks",
        "actions_pending_escalation",
        "actions_pending_expiry",
        "actions_pending_seq",
        "actions_stats_created",
        "actions_stats_decided",
        "actions_stats_escalated",
        "actions_stats_pending",
        "audit_log_action",
        "reviewer_revoked_sessions_expiry",
        "reviewer_session_cutoffs_expiry",
        "reviewer_sign_in_failures_expiry",
        "reviewer_used_tokens_expiry",
        "slack_messages_expiry",
      ]);
      expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
    });
    // Opening it again does not migrate twice.
    const again = await openStore(path);
    expect((await again.get("act_new"))?.record.status).toBe("pending");
  });

  it("refuses a file written by a newer version, naming both versions", () => {
    const path = tempDbPath();
    inspect(path, (db) => db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`));
    expect(() => createSqliteStore({ path })).toThrow(
      `SQLite file has schema version ${SQLITE_SCHEMA_VERSION + 1}, newer than this inbox's ${SQLITE_SCHEMA_VERSION}`,
    );
  });
});
