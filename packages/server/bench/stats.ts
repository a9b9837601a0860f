/**
 * @module bench/stats
 * `GET /api/stats` over a large SQLite inbox: 100,000 decided actions spread over 30 days
 * (several agents, tools, severities, assignee lists and outcomes), plus some pending and
 * escalated ones, seeded by one bulk insert in a transaction (the store's own insert values
 * and analytics columns, not HTTP; the schema's triggers fill the daily rollup as they do for
 * every write). Reports the median time of `range=30d` and `range=24h`
 * over several requests, each against the 200 ms target (and the process CPU time each took,
 * which machine load inflates less than wall time), beside `GET /api/actions?limit=50`
 * (the reviewer list) measured in the same run as a baseline. Lives with the package so it
 * resolves `better-sqlite3` from here; run through `pnpm bench stats`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createInbox } from "../src/create-inbox.js";
import {
  createdMsOf,
  decidedMsOf,
  decisionBucketOf,
  groupKeyOf,
} from "../src/store/action-stats.js";
import type { StoredRecord } from "../src/store/action-store.js";
import { insertValues } from "../src/store/sql-rows.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";

const DECIDED = Number(process.env.BENCH_STATS_ACTIONS ?? 100_000);
const PENDING = 500;
const REQUESTS = Number(process.env.BENCH_STATS_REQUESTS ?? 9);
const TARGET_MS = 200;
const DAY = 86_400_000;
const TOKEN = "bench-stats-reviewer-token";

const AGENTS = ["billing", "support", "ops", "sales", "research"];
const TOOLS = [
  "transfer_funds",
  "refund",
  "delete_customer",
  "send_email",
  "deploy",
  "grant_access",
];
const SEVERITIES = ["INFO", "WARNING", "ERROR", "CRITICAL"] as const;
const OUTCOMES = [
  "approved",
  "approved",
  "modified",
  "rejected",
  "timed_out",
  "cancelled",
] as const;
const TYPE = {
  approved: "approve",
  modified: "modify",
  rejected: "reject",
  timed_out: "timeout",
  cancelled: "cancel",
};

/** A deterministic pseudo-random number in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function record(i: number, nowMs: number, next: () => number, pending: boolean): StoredRecord {
  const createdMs = Math.floor(nowMs - next() * 30 * DAY);
  const status = pending ? "pending" : (OUTCOMES[i % OUTCOMES.length] as (typeof OUTCOMES)[number]);
  const decidedMs = Math.min(nowMs - 1, createdMs + Math.floor(5_000 + next() * 4 * 3_600_000));
  const escalated = i % 40 === 0;
  return {
    id: `bench-${i}`,
    status,
    title: `Approve ${TOOLS[i % TOOLS.length]} #${i}`,
    description: "A benchmark action with a description of ordinary length for an agent request.",
    severity: SEVERITIES[i % SEVERITIES.length] as StoredRecord["severity"],
    agent_id: AGENTS[i % AGENTS.length] as string,
    metadata: { amount: "1250.00", ticket: i },
    action: {
      name: TOOLS[(i >> 2) % TOOLS.length] as string,
      args: { amount: "1250.00", to: "ACME" },
    },
    args_hash: "0".repeat(64),
    allowed_decisions: ["approve", "modify", "reject"],
    created_at: new Date(createdMs).toISOString(),
    expires_at: new Date(pending ? nowMs + DAY : createdMs + 5 * DAY).toISOString(),
    decision: pending
      ? null
      : {
          type: TYPE[status as keyof typeof TYPE] as "approve",
          reviewer: "alice",
          decided_at: new Date(decidedMs).toISOString(),
        },
    assignees: escalated ? ["alice", "group:finance"] : i % 7 === 0 ? ["alice"] : null,
    escalations: escalated
      ? [
          {
            step: 0,
            after_seconds: 60,
            assignees: ["group:finance"],
            escalated_at: new Date(createdMs + 60_000).toISOString(),
          },
        ]
      : [],
  };
}

/** Creates the schema through the store, then bulk-inserts the actions in one transaction. */
export async function seed(path: string, nowMs: number): Promise<number> {
  const store = createSqliteStore({ path });
  await store.init();
  await store.close();
  const started = performance.now();
  const db = new Database(path);
  const insert = db.prepare(
    `INSERT INTO actions (id, agent_id, status, expires_ms, request_hash, callback_url, record,
       changed_by, changed_at, escalate_ms, created_ms, group_key, decided_ms, decision_seq,
       escalated_ms, decision_bucket)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const next = random(42);
  db.transaction(() => {
    for (let i = 0; i < DECIDED + PENDING; i++) {
      const r = record(i, nowMs, next, i >= DECIDED);
      const values = insertValues({
        record: r,
        requestHash: `h${i}`,
        callbackUrl: null,
        actor: "agent",
        at: r.created_at,
      });
      const escalatedMs = r.escalations?.[0] ? Date.parse(r.escalations[0].escalated_at) : null;
      const seq = r.status === "pending" ? null : i + 1;
      const stats = [createdMsOf(r), groupKeyOf(r), decidedMsOf(r), seq, escalatedMs] as const;
      insert.run(...values, ...stats, decisionBucketOf(r));
    }
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  return performance.now() - started;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Seeds, starts the inbox, and times the requests; answers the printable result. */
export async function run(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "safeguards-stats-bench-")), "inbox.db");
  const nowMs = Date.now();
  const seedMs = await seed(path, nowMs);
  const inbox = createInbox({
    store: path,
    apiKeys: {},
    reviewerTokens: { [TOKEN]: "alice" },
    onError: console.error,
  });
  const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
  const time = async (path: string) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as { outcomes?: { total: Record<string, number> }[] };
    if (response.status !== 200)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, body };
  };
  const rows: string[] = [];
  const checked: boolean[] = [];
  for (const [path, target] of [
    ["/actions?limit=50", false],
    ["/stats?range=30d", true],
    ["/stats?range=24h", true],
  ] as const) {
    await time(path); // warm-up (statement preparation, page cache)
    const samples: number[] = [];
    const cpu: number[] = [];
    let counted = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const { ms, cpuMs, body } = await time(path);
      samples.push(ms);
      cpu.push(cpuMs);
      counted = (body.outcomes ?? []).reduce(
        (n, o) => n + Object.values(o.total).reduce((a, b) => a + b, 0),
        0,
      );
    }
    const m = median(samples);
    const verdict = target
      ? m <= TARGET_MS
        ? `PASS (<= ${TARGET_MS} ms)`
        : `FAIL (> ${TARGET_MS} ms)`
      : "baseline";
    if (target) checked.push(m <= TARGET_MS);
    rows.push(
      `| GET /api${path} | ${m.toFixed(1)} ms | ${median(cpu).toFixed(1)} ms | ${Math.min(...samples).toFixed(1)}-${Math.max(...samples).toFixed(1)} ms | ${path.startsWith("/stats") ? counted.toLocaleString("en") : "-"} | ${verdict} |`,
    );
  }
  await inbox.close();
  if (checked.includes(false)) process.exitCode = 1;
  return [
    `SQLite inbox with ${DECIDED.toLocaleString("en")} decided actions over 30 days + ${PENDING} pending (seeded in ${(seedMs / 1000).toFixed(1)} s); median of ${REQUESTS} requests after a warm-up, one at a time`,
    "| request | median | CPU (median) | min-max | actions ended in range | verdict |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
