import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, POSTGRES_MIGRATIONS } from "../src/store/postgres-migrations.js";
import { createPostgresStore } from "../src/store/postgres-store.js";
import { file } from "./store-contract.js";

describe.runIf(PG_TEST_URL)("PostgreSQL schema migrations", () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const pool = () => {
    const p = new pg.Pool({ connectionString: db.url, max: 2 });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db?.drop();
  });

  it("applies each version once when many instances start together", async () => {
    const reports = await Promise.all(Array.from({ length: 6 }, () => migratePostgres(pool())));
    const latest = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
    expect(reports.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect(reports.flatMap((r) => r.applied)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    for (const r of reports) expect(r.version).toBe(latest);
    const { rows } = await pool().query("SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
  });

  it("is idempotent: a restart on a migrated database changes nothing and keeps the data", async () => {
    const store = createPostgresStore({ connectionString: db.url });
    await store.init();
    await file(store, "kept", "agent-m");
    await store.close();
    const again = await migratePostgres(pool());
    expect(again.applied).toEqual([]);
    const reopened = createPostgresStore({ connectionString: db.url });
    await reopened.init();
    expect((await reopened.get("kept"))?.record.status).toBe("pending");
    await reopened.close();
  });

  it("applies a later version on top of an existing schema, and rolls back a failing one", async () => {
    const next = (POSTGRES_MIGRATIONS.at(-1)?.version ?? 0) + 1;
    const ok = [
      ...POSTGRES_MIGRATIONS,
      { version: next, name: "test column", sql: "ALTER TABLE actions ADD COLUMN note TEXT" },
    ];
    expect((await migratePostgres(pool(), ok)).applied).toEqual([next]);
    const broken = [
      ...ok,
      { version: next + 1, name: "half", sql: "CREATE TABLE half_done (x int)" },
      { version: next + 2, name: "bad", sql: "ALTER TABLE no_such_table ADD COLUMN y int" },
    ];
    await expect(migratePostgres(pool(), broken)).rejects.toThrow(/no_such_table/);
    const p = pool();
    const { rows } = await p.query("SELECT to_regclass('half_done') AS t");
    expect(rows[0]?.t).toBeNull();
    const versions = await p.query("SELECT max(version) AS v FROM schema_migrations");
    expect(versions.rows[0]?.v).toBe(next);
  });

  it("creates the indexes the inbox list, the decisions stream, expiry and the audit trail use", async () => {
    const store = createPostgresStore({ connectionString: db.url });
    await store.init();
    for (let i = 0; i < 20; i++) await file(store, `idx-${i}`, i % 2 ? "agent-a" : "agent-b");
    await store.close();
    const client = await pool().connect();
    try {
      // With sequential scans priced out, each query shows the index made for it (or the
      // plan falls back to a Seq Scan and the test fails).
      await client.query("SET enable_seqscan = off");
      const plan = async (sql: string, params: unknown[]) => {
        const { rows } = await client.query(`EXPLAIN ${sql}`, params);
        return rows.map((r) => r["QUERY PLAN"] as string).join("\n");
      };
      const list = (where: string) =>
        `SELECT id FROM actions WHERE ${where} ORDER BY seq DESC LIMIT 51`;
      expect(await plan(list("status = $1"), ["pending"])).toContain("actions_status_seq");
      expect(await plan(list("agent_id = $1"), ["agent-a"])).toContain("actions_agent_seq");
      expect(
        await plan(
          `SELECT id FROM actions WHERE agent_id = $1 AND decision_seq > $2
           ORDER BY decision_seq LIMIT $3`,
          ["agent-a", 0, 100],
        ),
      ).toContain("actions_agent_decisions");
      expect(
        await plan(
          `SELECT id FROM actions WHERE status = 'pending' AND expires_ms <= $1
           ORDER BY expires_ms LIMIT $2`,
          [Date.now(), 100],
        ),
      ).toContain("actions_pending_expiry");
      expect(
        await plan("SELECT * FROM audit_log WHERE action_id = $1 ORDER BY seq", ["idx-1"]),
      ).toContain("audit_log_action");
    } finally {
      client.release();
    }
  });
});
