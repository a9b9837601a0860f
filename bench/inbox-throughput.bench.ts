/**
 * Inbox throughput for create + decide with SQLite, as a ratio to a bare `node:http`
 * hello-world measured in the same run, on loopback, with the same closed-loop load
 * generator (undici Pool, same concurrency, keep-alive, bounded request counts, warm-up,
 * load generator in the same process for both). The two are measured in alternating rounds
 * (hello, inbox, hello, inbox, ...) and the median of the per-round ratios is reported, so a
 * change of machine load during the run does not favour one side.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hashArgs } from "@safeguards/core";
import {
  AGENT,
  AGENT_KEY,
  printTable,
  REVIEWER_TOKEN,
  runLoad,
  startBenchInbox,
} from "./support.js";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const HELLO_COUNT = Number(process.env.BENCH_HELLO_COUNT ?? 8_000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 1_500);
/** `BENCH_ARGS_SCHEMA=1`: each filing carries `action` with a small `args_schema` (checked). */
const WITH_SCHEMA = process.env.BENCH_ARGS_SCHEMA === "1";
const args = { amount: "2500.00", to: "ACME", memo: "invoice 42" };
const action = {
  name: "transfer_funds",
  args,
  args_schema: {
    type: "object",
    properties: {
      amount: { type: "string", minLength: 1 },
      to: { type: "string", maxLength: 64 },
      memo: { type: "string" },
    },
    required: ["amount", "to"],
    additionalProperties: false,
  },
};
const withAction = WITH_SCHEMA ? { action, args_hash: hashArgs(args) } : {};

const hello = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" }).end("hello world");
});
await new Promise<void>((r) => hello.listen(0, "127.0.0.1", r));
const helloOrigin = `http://127.0.0.1:${(hello.address() as AddressInfo).port}`;
const helloLoad = (count: number) =>
  runLoad({
    origin: helloOrigin,
    count,
    concurrency: CONCURRENCY,
    make: () => [{ method: "GET", path: "/" }],
  });
const { inbox, url } = await startBenchInbox();
const base = new URL(url);
const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
const pair = (prefix: string) => (i: number) => {
  const id = `act_${prefix}_${i}`;
  return [
    {
      method: "POST" as const,
      path: `${base.pathname}/request-approval`,
      headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        id,
        title: "Approve transfer",
        description: "Transfer of $2500.00 requires approval",
        severity: "WARNING",
        agent_id: AGENT,
        metadata: { amount: "2500.00", i },
        expires_at: expiresAt,
        ...withAction,
      }),
    },
    {
      method: "POST" as const,
      path: `${base.pathname}/actions/${id}/decision`,
      headers: { authorization: `Bearer ${REVIEWER_TOKEN}`, "content-type": "application/json" },
      body: '{"type":"approve","comments":"ok"}',
    },
  ];
};
const inboxLoad = (prefix: string, count: number) =>
  runLoad({
    origin: base.origin,
    count,
    concurrency: CONCURRENCY,
    make: pair(prefix),
    expect: (status, req) => status === (req.path.endsWith("/decision") ? 200 : 201),
  });
// Warm-up: one full-size round of each, so both are measured JIT-compiled (steady state).
await helloLoad(HELLO_COUNT);
await inboxLoad("warm", PAIRS);
const rows: string[][] = [];
const ratios: number[] = [];
let errors = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const helloRun = await helloLoad(HELLO_COUNT);
  const inboxRun = await inboxLoad(`run${round}`, PAIRS);
  const ratio = inboxRun.perSecond / helloRun.perSecond;
  ratios.push(ratio);
  errors += helloRun.errors + inboxRun.errors;
  rows.push(
    [
      `${round}: node:http hello-world`,
      String(helloRun.requests),
      String(helloRun.errors),
      helloRun.perSecond.toFixed(0),
      "1.00",
    ],
    [
      `${round}: inbox create${WITH_SCHEMA ? " (args_schema)" : ""} + decide (SQLite)`,
      String(inboxRun.requests),
      String(inboxRun.errors),
      `${inboxRun.perSecond.toFixed(0)} (${(inboxRun.perSecond / 2).toFixed(0)} pairs/s)`,
      ratio.toFixed(2),
    ],
  );
}
hello.closeAllConnections();
hello.close();
await inbox.close();

const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)] ?? Number.NaN;
printTable(
  `Throughput on loopback (concurrency ${CONCURRENCY}, load generator in the same process, ${ROUNDS} alternating rounds)`,
  ["round: workload", "requests", "errors", "requests/s", "ratio to hello-world"],
  rows,
);
console.log(
  `\nMedian ratio ${median.toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")}). Floor: ratio >= 0.28 ${median >= 0.28 ? "(held)" : "(NOT held)"}; target 0.3 ${median >= 0.3 ? "(met)" : "(not met)"}`,
);
if (errors > 0) process.exitCode = 1;
