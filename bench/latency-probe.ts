/**
 * @module bench/latency-probe
 * Measures whether an inbox keeps serving while something else runs: a worker thread (its
 * own event loop, so it keeps time even when the inbox's thread is blocked) sends one
 * `GET` after another to the inbox and reports the slowest answer.
 */
import { Worker } from "node:worker_threads";

const PROBE_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let stop = false;
let worstMs = 0;
let served = 0;
parentPort.once("message", () => { stop = true; });
(async () => {
  parentPort.postMessage({ ready: true });
  while (!stop) {
    const started = performance.now();
    const res = await fetch(workerData.url, { headers: workerData.headers });
    await res.arrayBuffer();
    worstMs = Math.max(worstMs, performance.now() - started);
    if (res.ok) served += 1;
    await new Promise((r) => setTimeout(r, 20));
  }
  parentPort.postMessage({ worstMs, served });
})();
`;

/** What the probe saw while `run` was in flight. */
export interface ProbeReport<T> {
  result: T;
  /** How long `run` took, wall clock. */
  elapsedMs: number;
  /** The slowest probe request (ms). */
  worstMs: number;
  /** How many probe requests got a 2xx. */
  served: number;
}

/** Runs `run` while a worker sends `GET url` again and again (every 20 ms) with `headers`. */
export async function whileProbing<T>(
  url: string,
  headers: Record<string, string>,
  run: () => Promise<T>,
): Promise<ProbeReport<T>> {
  const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { url, headers } });
  const messages: Array<{ ready?: true; worstMs?: number; served?: number }> = [];
  const next = () =>
    new Promise<(typeof messages)[number]>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  await next(); // ready
  const started = performance.now();
  const result = await run();
  const elapsedMs = performance.now() - started;
  const done = next();
  worker.postMessage("stop");
  const { worstMs = Number.NaN, served = 0 } = await done;
  await worker.terminate();
  return { result, elapsedMs, worstMs, served };
}
