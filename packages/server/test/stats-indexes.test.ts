import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createTestDatabase, deferCleanup, PG_TEST_URL } from "@safeguards/test-support";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../src/store/memory-store.js";
import { POSTGRES_STATS_SQL } from "../src/store/postgres-stats.js";
import { createPostgresStore } from "../src/store/postgres-store.js";
import { SQLITE_STATS_SQL } from "../src/store/sqlite-stats.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";
import { fileScenario, SINCE, UNTIL } from "./store-stats-contract.js";

const defer = deferCleanup();

describe("analytics queries run on indexes, never a scan of every action", () => {
  it("SQLite: each statement's plan searches an index", async () => {
    const path = tempDbPath();
    mkdirSync(dirname(path), { recursive: true });
    const store = createSqliteStore({ path });
    await store.init();
    await fileScenario(store, "bot", "bot-b");
    await store.close();
    const db = new Database(path, { readonly: true });
    defer(() => db.close());
    const named = {
      since: SINCE,
      start: SINCE,
      until: UNTIL,
      bin: 3_600_000,
      from: SINCE,
      to: UNTIL,
    };
    for (const [name, sql] of Object.entries(SQLITE_STATS_SQL)) {
      const params = sql.includes("@")
        ? [Object.fromEntries(Object.entries(named).filter(([k]) => sql.includes(`@${k}`)))]
        : name === "oldestPending"
          ? [10]
          : [SINCE, "x", 10];
      const plan = db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => r.detail);
      const tableScans = plan.filter(
        (d) => /^SCAN (actions|a|action_stats_daily)\b/.test(d) && !/USING/.test(d),
      );
      expect([name, tableScans]).toEqual([name, []]);
      // The daily rollup is searched by its primary key, a day range.
      const indexed =
        /actions_stats_|actions_pending|action_stats_daily USING PRIMARY KEY \(day_ms>/;
      expect([name, plan.some((d) => indexed.test(d))]).toEqual([name, true]);
    }
  });

  describe.runIf(PG_TEST_URL)("PostgreSQL", () => {
    it("each statement's plan uses an index (sequential scans priced out)", async () => {
      const db = await createTestDatabase();
      defer(() => db.drop());
      const store = createPostgresStore({ connectionString: db.url });
      defer(() => store.close());
      await store.init();
      await fileScenario(store, "bot", "bot-b");
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      defer(() => client.end());
      await client.query("SET enable_seqscan = off");
      const params: Record<string, unknown[]> = {
        pendingAtStart: [SINCE],
        filed: [SINCE, UNTIL, 3_600_000],
        ended: [SINCE, UNTIL, 3_600_000],
        decisionTimes: [SINCE, UNTIL],
        escalationSteps: [SINCE],
      };
      for (const [name, sql] of Object.entries(POSTGRES_STATS_SQL)) {
        const { rows } = await client.query(`EXPLAIN ${sql}`, params[name]);
        const plan = rows.map((r) => r["QUERY PLAN"] as string).join("\n");
        expect([name, /Seq Scan on actions/.test(plan)]).toEqual([name, false]);
        expect([name, /actions_stats_/.test(plan)]).toEqual([name, true]);
      }
      // The memory store answers the same numbers (the reference).
      const memory = createMemoryStore();
      await fileScenario(memory, "bot", "bot-b");
      const query = { sinceMs: SINCE, untilMs: UNTIL, binMs: 3_600_000 };
      expect((await store.stats(query)).length).toBe((await memory.stats(query)).length);
    });
  });
});
