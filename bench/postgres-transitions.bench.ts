/**
 * Terminal transitions per second on PostgreSQL (the store's `transition`, no HTTP), with 1
 * and with 16 agents deciding concurrently (16 callers, one Pool of 16 connections), under
 * the per-agent ordering lock of schema version 4 and, as the baseline measured in the same
 * run, under the database-wide lock of versions 1-3. Rounds alternate between the two
 * schemas so a change of machine load does not favour one; the medians are reported.
 */
import { createRequire } from "node:module";
import type { TransitionInput } from "../packages/server/src/store/action-store.js";
import {
  migratePostgres,
  POSTGRES_MIGRATIONS,
} from "../packages/server/src/store/postgres-migrations.js";
import { createPostgresStore } from "../packages/server/src/store/postgres-store.js";
import { createDatabase, resolveCluster } from "./pg-support.js";
import { printTable } from "./support.js";

type PgPool = Parameters<typeof migratePostgres>[0];
// `pg` is the server package's dependency (not the root's): load it from there.
const { Pool } = createRequire(new URL("../packages/server/package.json", import.meta.url))(
  "pg",
) as { Pool: new (options: { connectionString: string; max: number }) => PgPool };

const CALLERS = 16;
const TRANSITIONS = Number(process.env.BENCH_PG_TRANSITIONS ?? 3_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AGENT_COUNTS = (process.env.BENCH_PG_AGENTS ?? "1,16").split(",").map(Number);

type Schema = { label: string; upTo: number };
const schemas: Schema[] = [
  { label: "per-agent lock (v4)", upTo: Number.MAX_SAFE_INTEGER },
  { label: "database-wide lock (v1-3, baseline)", upTo: 3 },
];

const iso = (ms: number) => new Date(ms).toISOString();

/** Files `count` pending actions spread over `agents` agents; answers their ids. */
async function fileActions(pool: PgPool, prefix: string, count: number, agents: number) {
  const store = createPostgresStore({ pool, migrate: false });
  const ids = Array.from({ length: count }, (_, i) => `${prefix}_${i}`);
  const now = Date.now();
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      ids.slice(i, i + 200).map((id, k) =>
        store.create({
          record: {
            id,
            status: "pending",
            title: "Approve transfer",
            description: "bench",
            severity: "WARNING",
            agent_id: `agent_${(i + k) % agents}`,
            metadata: {},
            args_hash: null,
            allowed_decisions: ["approve", "reject"],
            created_at: iso(now),
            expires_at: iso(now + 3_600_000),
            decision: null,
          },
          requestHash: "h",
          callbackUrl: null,
          actor: "agent:bench",
          at: iso(now),
        }),
      ),
    );
  }
  return ids;
}

/** 16 callers decide every id; answers transitions per second. */
async function decideAll(pool: PgPool, ids: string[]): Promise<number> {
  const store = createPostgresStore({ pool, migrate: false });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const input: TransitionInput = {
          id: ids[i] as string,
          status: "approved",
          decision: {
            type: "approve",
            response_data: null,
            comments: null,
            reviewer: "bench",
            decided_at: iso(Date.now()),
          },
          actor: "reviewer:bench",
          at: iso(Date.now()),
        };
        const result = await store.transition(input);
        if (!result.ok) throw new Error(`transition of ${input.id} refused: ${result.reason}`);
      }
    }),
  );
  return ids.length / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const cluster = await resolveCluster();
if ("skipped" in cluster) {
  console.log(`\nPostgreSQL transitions skipped: ${cluster.skipped}`);
  process.exit(0);
}
const databases = await Promise.all(schemas.map(() => createDatabase(cluster.adminUrl)));
const pools = databases.map((db) => new Pool({ connectionString: db.url, max: CALLERS }));
const results = new Map<string, number[]>();
try {
  for (const [k, schema] of schemas.entries()) {
    const pool = pools[k] as PgPool;
    await migratePostgres(
      pool,
      POSTGRES_MIGRATIONS.filter((m) => m.version <= schema.upTo),
    );
    await decideAll(pool, await fileActions(pool, "warm", 500, CALLERS));
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const agents of AGENT_COUNTS) {
      // Each round in the other order, so neither schema always runs first.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const schema = schemas[k] as Schema;
        const pool = pools[k] as PgPool;
        const ids = await fileActions(pool, `r${round}_a${agents}`, TRANSITIONS, agents);
        const rate = await decideAll(pool, ids);
        const key = `${agents}|${schema.label}`;
        results.set(key, [...(results.get(key) ?? []), rate]);
        console.log(
          `round ${round + 1}: ${agents} agent(s), ${schema.label}: ${rate.toFixed(0)}/s`,
        );
      }
    }
  }
} finally {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(databases.map((db) => db.drop()));
  await cluster.stop();
}

const rows: string[][] = [];
for (const agents of AGENT_COUNTS) {
  const baseline = median(results.get(`${agents}|${schemas[1]?.label}`) ?? []);
  for (const schema of schemas) {
    const rates = results.get(`${agents}|${schema.label}`) ?? [];
    rows.push([
      String(agents),
      schema.label,
      String(TRANSITIONS),
      rates.map((r) => r.toFixed(0)).join(", "),
      median(rates).toFixed(0),
      (median(rates) / baseline).toFixed(2),
    ]);
  }
}
printTable(
  `Terminal transitions per second on PostgreSQL (${CALLERS} concurrent callers, ${ROUNDS} alternating rounds)`,
  ["agents", "ordering lock", "transitions/round", "per round (/s)", "median (/s)", "vs baseline"],
  rows,
);
