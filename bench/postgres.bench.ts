/**
 * Inbox on PostgreSQL next to SQLite, in one run: throughput of create + decide, and
 * decision-to-resume latency, with one and with two instances (each instance its own CLI
 * process; with two, every action is filed through one instance and decided through the
 * other, and the agent waits on the first: the decision reaches it by LISTEN/NOTIFY), and
 * the resident memory of each instance with 10,000 pending actions per instance. The
 * database, the instances and the load generator share the machine's cores.
 */
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import { Pool } from "undici";
import {
  backendPids,
  cpuSeconds,
  createDatabase,
  type InboxChild,
  resolveCluster,
  startInboxChild,
  tempSqlite,
} from "./pg-support.js";
import { AGENT, AGENT_KEY, ms, percentile, printTable, REVIEWER_TOKEN } from "./support.js";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PAIRS = Number(process.env.BENCH_PG_PAIRS ?? 2_000);
const SAMPLES = Number(process.env.BENCH_PG_SAMPLES ?? 200);
const PENDING = Number(process.env.BENCH_PENDING ?? 10_000);

type Setup = { label: string; store: "sqlite" | "postgres"; instances: number };
const setups: Setup[] = [
  { label: "SQLite, 1 instance", store: "sqlite", instances: 1 },
  { label: "PostgreSQL, 1 instance", store: "postgres", instances: 1 },
  { label: "PostgreSQL, 2 instances", store: "postgres", instances: 2 },
];

const expiresAt = () => new Date(Date.now() + 3_600_000).toISOString();
const fileBody = (id: string) =>
  JSON.stringify({
    id,
    title: "Approve transfer",
    description: "Transfer of $2500.00 requires approval",
    severity: "WARNING",
    agent_id: AGENT,
    metadata: { amount: "2500.00" },
    expires_at: expiresAt(),
  });

/** Closed loop: `concurrency` workers run `step(i)` for i < count; answers seconds taken. */
async function closedLoop(count: number, step: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await step(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** One request through `pool`; throws unless it answers `expected`. */
async function send(pool: Pool, path: string, token: string, body: string, expected: number) {
  const res = await pool.request({
    method: "POST",
    path,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  const text = await res.body.text();
  if (res.statusCode !== expected) throw new Error(`${path}: ${res.statusCode} ${text}`);
}

/** create through instance i % n, decide through instance (i + 1) % n. */
async function throughput(children: InboxChild[], prefix: string, count: number) {
  const pools = children.map((c) => new Pool(c.origin, { connections: CONCURRENCY }));
  const paths = children.map((c) => new URL(c.url).pathname);
  const n = children.length;
  const seconds = await closedLoop(count, async (i) => {
    const id = `act_${prefix}_${i}`;
    await send(pools[i % n]!, `${paths[i % n]}/request-approval`, AGENT_KEY, fileBody(id), 201);
    const d = (i + 1) % n;
    await send(
      pools[d]!,
      `${paths[d]}/actions/${id}/decision`,
      REVIEWER_TOKEN,
      '{"type":"approve"}',
      200,
    );
  });
  await Promise.all(pools.map((p) => p.close()));
  return { seconds, pairsPerSecond: count / seconds, requestsPerSecond: (2 * count) / seconds };
}

/** CPU seconds used so far by the instances, the database's backends and this process. */
function cpuSnapshot(children: InboxChild[], dbName: string | undefined) {
  const db = new Map((dbName ? backendPids(dbName) : []).map((p) => [p, cpuSeconds(p)]));
  const self = process.cpuUsage();
  return {
    instances: children.reduce((n, c) => n + cpuSeconds(c.pid), 0),
    db,
    load: (self.user + self.system) / 1e6,
  };
}

/** CPU used between two snapshots (ms per pair) and how many cores were busy on average. */
function cpuBetween(
  a: ReturnType<typeof cpuSnapshot>,
  b: ReturnType<typeof cpuSnapshot>,
  pairs: number,
  seconds: number,
) {
  let db = 0;
  for (const [pid, used] of b.db) db += used - (a.db.get(pid) ?? 0);
  const instances = b.instances - a.instances;
  const load = b.load - a.load;
  const per = (s: number) => ((s * 1000) / pairs).toFixed(2);
  return {
    perPair: `${per(instances)} / ${per(db)} / ${per(load)}`,
    cores: ((instances + db + load) / seconds).toFixed(2),
  };
}

/** Agent waits through instance 0; the reviewer decides through the last instance. */
async function latency(children: InboxChild[]) {
  const channel = new HumanInTheLoopChannel();
  await channel.initialize({ webhookUrl: children[0]!.url, apiKey: AGENT_KEY });
  const handler = new HumanActionHandler(channel, { timeoutSeconds: 3600 });
  const decider = children[children.length - 1]!;
  const pool = new Pool(decider.origin, { connections: 1 });
  const path = new URL(decider.url).pathname;
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i += 1) {
    const action = await handler.requestAction({ title: "t", description: "d", agentId: AGENT });
    let resumedAt = 0;
    const waited = handler.waitForAction(action).then(() => {
      resumedAt = performance.now();
    });
    await new Promise((r) => setTimeout(r, 5)); // the long poll is held
    await send(
      pool,
      `${path}/actions/${action.id}/decision`,
      REVIEWER_TOKEN,
      '{"type":"approve"}',
      200,
    );
    const decidedAt = performance.now();
    await waited;
    if (i >= 10) samples.push(Math.max(0, resumedAt - decidedAt)); // first 10: warm-up
  }
  handler.shutdown();
  await channel.shutdown();
  await pool.close();
  return samples;
}

/** Memory (after GC) of each instance before and after filing PENDING actions through it. */
async function memory(children: InboxChild[]) {
  const before = await Promise.all(children.map((c) => c.memory()));
  await Promise.all(
    children.map(async (c, k) => {
      const pool = new Pool(c.origin, { connections: 16 });
      const path = `${new URL(c.url).pathname}/request-approval`;
      await closedLoop(PENDING, (i) =>
        send(pool, path, AGENT_KEY, fileBody(`act_pending_${k}_${i}`), 201),
      );
      await pool.close();
    }),
  );
  const after = await Promise.all(children.map((c) => c.memory()));
  return children.map((_, k) => ({ before: before[k]!, after: after[k]! }));
}

const cluster = await resolveCluster();
if ("skipped" in cluster) console.log(`\nPostgreSQL figures skipped: ${cluster.skipped}`);
const rows: string[][] = [];
const memRows: string[][] = [];
for (const setup of setups) {
  if (setup.store === "postgres" && "skipped" in cluster) continue;
  const db =
    setup.store === "postgres" && !("skipped" in cluster)
      ? await createDatabase(cluster.adminUrl)
      : undefined;
  const sqlite = tempSqlite();
  const children: InboxChild[] = [];
  for (let k = 0; k < setup.instances; k += 1) {
    children.push(await startInboxChild(db ? { databaseUrl: db.url } : { db: sqlite }));
  }
  try {
    console.log(`\n${setup.label}: warming up`);
    await throughput(children, "warm", 300);
    const cpuBefore = cpuSnapshot(children, db?.name);
    const run = await throughput(children, "run", PAIRS);
    const cpu = cpuBetween(cpuBefore, cpuSnapshot(children, db?.name), PAIRS, run.seconds);
    const lat = await latency(children);
    const mem = await memory(children);
    rows.push([
      setup.label,
      String(PAIRS),
      run.pairsPerSecond.toFixed(0),
      run.requestsPerSecond.toFixed(0),
      cpu.perPair,
      cpu.cores,
      ms(percentile(lat, 50)),
      ms(percentile(lat, 99)),
    ]);
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    const per = (a: number, b: number) => `${((a - b) / PENDING).toFixed(0)} B`;
    mem.forEach(({ before, after }, k) => {
      memRows.push([
        `${setup.label} (#${k + 1})`,
        String(PENDING),
        `${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`,
        per(after.heapUsed, before.heapUsed),
        `${mb(before.rss)} -> ${mb(after.rss)}`,
        per(after.rss, before.rss),
      ]);
    });
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await db?.drop();
  }
}
if (!("skipped" in cluster)) await cluster.stop();

printTable(
  `Inbox create + decide and decision-to-resume (each instance its own process; concurrency ${CONCURRENCY}; with 2 instances: filed on one, decided on the other)`,
  [
    "setup",
    "pairs",
    "pairs/s",
    "requests/s",
    "CPU ms/pair: inbox / PostgreSQL / load",
    "cores busy",
    "resume p50",
    "resume p99",
  ],
  rows,
);
printTable(
  `Memory of each instance after a full GC, before and after ${PENDING} pending actions filed through it`,
  ["instance", "pending", "heap used", "heap per action", "RSS", "RSS per action"],
  memRows,
);
