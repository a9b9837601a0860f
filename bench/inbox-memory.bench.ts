/**
 * The inbox's memory with 10,000 pending actions (SQLite store): heap and RSS after a full
 * GC, before and after filing them over HTTP. Run with `--expose-gc` (bench/index.ts does).
 */
import { AGENT, AGENT_KEY, printTable, runLoad, startBenchInbox } from "./support.js";

const COUNT = Number(process.env.BENCH_PENDING ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage();
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const { inbox, url } = await startBenchInbox();
const base = new URL(url);
const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
// warm the code paths so JIT and module memory are in the baseline
await runLoad({
  origin: base.origin,
  count: 200,
  concurrency: 16,
  make: (i) => [
    {
      method: "GET",
      path: `${base.pathname}/actions/act_missing_${i}`,
      headers: { authorization: `Bearer ${AGENT_KEY}` },
    },
  ],
  expect: (status) => status === 404,
});
const before = await settle();
const load = await runLoad({
  origin: base.origin,
  count: COUNT,
  concurrency: 16,
  make: (i) => [
    {
      method: "POST",
      path: `${base.pathname}/request-approval`,
      headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        id: `act_pending_${i}`,
        title: "Approve transfer",
        description: "Transfer of $2500.00 requires approval",
        severity: "WARNING",
        agent_id: AGENT,
        metadata: { amount: "2500.00", i },
        expires_at: expiresAt,
      }),
    },
  ],
  expect: (status) => status === 201,
});
const after = await settle();
const pending = await inbox.store.list({ status: "pending", limit: 1 });
await inbox.close();

printTable(
  `Inbox memory with ${COUNT.toLocaleString("en")} pending actions (SQLite, after GC${gc ? "" : " - gc unavailable!"})`,
  ["measure", "before", "after", "delta", "per action"],
  [
    [
      "heap used",
      mb(before.heapUsed),
      mb(after.heapUsed),
      mb(after.heapUsed - before.heapUsed),
      `${((after.heapUsed - before.heapUsed) / COUNT).toFixed(0)} B`,
    ],
    [
      "RSS",
      mb(before.rss),
      mb(after.rss),
      mb(after.rss - before.rss),
      `${((after.rss - before.rss) / COUNT).toFixed(0)} B`,
    ],
  ],
);
console.log(
  `\nFiled ${COUNT - load.errors} of ${COUNT} (errors ${load.errors}); a pending one listed: ${pending.actions.length === 1}`,
);
if (load.errors > 0) process.exitCode = 1;
