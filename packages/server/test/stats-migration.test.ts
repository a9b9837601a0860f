import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { createTestDatabase, deferCleanup, PG_TEST_URL } from "@safeguards/test-support";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { StatsQuery } from "../src/store/action-stats.js";
import type { ActionStore } from "../src/store/action-store.js";
import { createMemoryStore } from "../src/store/memory-store.js";
import { migratePostgres, POSTGRES_MIGRATIONS } from "../src/store/postgres-migrations.js";
import { createPostgresStore } from "../src/store/postgres-store.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";
import { expectRollupMatchesRecount } from "./stats-daily-recount.js";
import { fileScenario, SINCE, totals, UNTIL } from "./store-stats-contract.js";

const V1_SCHEMA = readFileSync(new URL("./fixtures/sqlite-schema-v1.sql", import.meta.url), "utf8");
const defer = deferCleanup();
const QUERY: StatsQuery = { sinceMs: SINCE, untilMs: UNTIL, binMs: 3_600_000 };

/** The scenario's records and numbers, as the memory store (the reference) keeps them. */
async function reference() {
  const memory = createMemoryStore();
  await fileScenario(memory, "bot", "bot-b");
  const { actions } = await memory.list({ limit: 100 });
  return { actions: actions.reverse(), stats: totals(await memory.stats(QUERY)) };
}

async function expectSameAsReference(store: ActionStore) {
  const ref = await reference();
  expect(totals(await store.stats(QUERY))).toEqual(ref.stats);
  const oldest = await store.oldestPending({ limit: 3 });
  expect(oldest.map((a) => a.record.id)).toEqual(["s-esc-old", "s-old-pending", "s-escalated"]);
}

describe("analytics columns of databases written before them", () => {
  it("SQLite: a version-1 file's rows get created_ms, decided_ms, group_key, escalated_ms and the daily rollup", async () => {
    const { actions } = await reference();
    const path = tempDbPath();
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.exec(V1_SCHEMA);
    db.pragma("user_version = 1");
    const insert = db.prepare(
      `INSERT INTO actions (id, agent_id, status, expires_ms, request_hash, callback_url, record, decision_seq)
       VALUES (?, ?, ?, ?, 'hash', NULL, ?, ?)`,
    );
    actions.forEach(({ record }, i) => {
      const seq = record.status === "pending" ? null : i + 1;
      const expires = Date.parse(record.expires_at);
      insert.run(record.id, record.agent_id, record.status, expires, JSON.stringify(record), seq);
    });
    db.close();

    const store = createSqliteStore({ path });
    defer(() => store.close());
    await store.init();
    await expectSameAsReference(store);
    // The daily rollup is backfilled too: whole days read from it give the same numbers.
    expectRollupMatchesRecount(path);
    const days: StatsQuery = { sinceMs: SINCE - 86_400_000, untilMs: UNTIL, binMs: 86_400_000 };
    const memory = createMemoryStore();
    await fileScenario(memory, "bot", "bot-b");
    expect(totals(await store.stats(days))).toEqual(totals(await memory.stats(days)));
    const check = new Database(path, { readonly: true });
    defer(() => check.close());
    const row = (id: string) =>
      check
        .prepare("SELECT created_ms, decided_ms, group_key, escalated_ms FROM actions WHERE id = ?")
        .get(id);
    expect(row("s-edge-start")).toEqual({
      created_ms: SINCE,
      decided_ms: SINCE + 3_600_000,
      group_key: '["bot","transfer","WARNING",null]',
      escalated_ms: null,
    });
    expect(row("s-escalated")).toMatchObject({
      decided_ms: null,
      group_key: '["bot","transfer","WARNING",["bob"]]',
      escalated_ms: SINCE + 4 * 3_600_000 + 20 * 60_000,
    });
  });

  describe.runIf(PG_TEST_URL)("PostgreSQL", () => {
    it("version 10 backfills rows written at version 9, and keeps later writes right", async () => {
      const db = await createTestDatabase();
      defer(() => db.drop());
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      defer(() => pool.end());
      const before = POSTGRES_MIGRATIONS.filter((m) => m.version < 10);
      expect((await migratePostgres(pool, before)).version).toBe(9);
      // The write statements of this release are those of version 9 (the columns are the
      // trigger's), so this store writes exactly what the previous release wrote.
      const old = createPostgresStore({ pool, migrate: false });
      await fileScenario(old, "bot", "bot-b");
      const { rows: unset } = await pool.query(
        "SELECT count(*)::int AS n FROM information_schema.columns WHERE column_name = 'group_key'",
      );
      expect(unset[0]?.n).toBe(0);

      expect((await migratePostgres(pool)).applied).toEqual([10]);
      const store = createPostgresStore({ pool });
      await expectSameAsReference(store);
      const { rows } = await pool.query(
        "SELECT created_ms, decided_ms, group_key FROM actions WHERE id = 's-edge-start'",
      );
      expect(rows[0]).toEqual({
        created_ms: String(SINCE),
        decided_ms: String(SINCE + 3_600_000),
        group_key: '["bot", "transfer", "WARNING", null]',
      });
    });
  });
});
