/**
 * Hostile `args_schema`s against a live inbox (issue 13, finding 1): for each schema of core's
 * fixture, the time until its filing is refused and the slowest `GET /actions` answered
 * meanwhile (a worker thread asks every 20 ms), beside the same probe with nothing hostile in
 * flight (the baseline, same run). The bounds: refused within 2 s, other requests
 * answered within 1 s meanwhile. (The unit test, `schema-dos.test.ts`, checks the refusals
 * and that the probe was served, not the times.)
 */
import { hashArgs } from "@safeguards/core";
import { HOSTILE_SCHEMAS } from "@safeguards/core/testing";
import { whileProbing } from "./latency-probe.js";
import { AGENT, AGENT_KEY, ms, printTable, REVIEWER_TOKEN, startBenchInbox } from "./support.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const { inbox, url } = await startBenchInbox("memory");
const probeUrl = `${url}/actions?limit=1`;
const probeHeaders = { authorization: `Bearer ${REVIEWER_TOKEN}` };
let n = 0;

async function fileHostile(schema: Record<string, unknown>, args: Record<string, unknown>) {
  const now = Date.now();
  const res = await fetch(`${url}/request-approval`, {
    method: "POST",
    headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      id: `act_bench_dos_${++n}`,
      title: "hostile",
      description: "bench",
      severity: "WARNING",
      agent_id: AGENT,
      action: { name: "tool", args, args_schema: schema },
      args_hash: hashArgs(args as never),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + 300_000).toISOString(),
    }),
  });
  const text = await res.text();
  if (res.status !== 400 || !text.includes("args_schema cannot be used")) {
    throw new Error(`expected the schema's refusal, got ${res.status} ${text}`);
  }
}

const rows: string[][] = [];
const idle = await whileProbing(
  probeUrl,
  probeHeaders,
  () => new Promise((r) => setTimeout(r, 500)),
);
rows.push(["(baseline: nothing in flight, 500 ms)", "-", ms(idle.worstMs), String(idle.served)]);
for (const attack of HOSTILE_SCHEMAS) {
  let worstElapsed = 0;
  let worstProbe = 0;
  let served = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const report = await whileProbing(probeUrl, probeHeaders, () =>
      fileHostile(attack.schema, attack.hostile),
    );
    worstElapsed = Math.max(worstElapsed, report.elapsedMs);
    worstProbe = Math.max(worstProbe, report.worstMs);
    served += report.served;
  }
  rows.push([attack.name, ms(worstElapsed), ms(worstProbe), String(served)]);
}
printTable(
  `Hostile args_schema filings (memory store; worst of ${ROUNDS} rounds each)`,
  ["schema", "refused after", "slowest GET meanwhile", "GETs served"],
  rows,
);
console.log("\nTargets (issue 13): refused within 2 s; every other request within 1 s meanwhile.");
await inbox.close();
