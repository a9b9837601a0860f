/**
 * @module json-schema/sync-worker
 * Runs a JSON Schema validation in a worker thread and waits for it synchronously, at most
 * a deadline, for the synchronous APIs (local channels, the handler). Some schemas take
 * exponential time on some inputs (see `check-source.ts`): run on the calling thread, one
 * such check would freeze the process for minutes, and a regular expression cannot be
 * interrupted. In a worker it can: past the deadline the worker is terminated (the next
 * check starts a new one) and the check is reported as timed out. The caller blocks until
 * the answer or the deadline (`Atomics.wait`), so the check stays synchronous and bounded.
 */
import { createRequire } from "node:module";
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import { CHECK_SOURCE, type SchemaCheckReply, WORKER_LIMITS } from "./check-source.js";

// Plain JavaScript (eval), so it runs the same from TypeScript sources and from dist/.
// state: 0 sent, 1 the worker started the check, 2 answered.
const WORKER_SOURCE = `${CHECK_SOURCE}
const { workerData } = require("node:worker_threads");
const state = new Int32Array(workerData.signal);
workerData.port.on("message", ({ schema, value }) => {
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
  workerData.port.postMessage(check(schema, value));
  Atomics.store(state, 0, 2);
  Atomics.notify(state, 0);
});
`;

/** How long a check may wait for the worker to start it (thread start-up included). */
const START_ALLOWANCE_MS = 10_000;

interface CheckWorker {
  worker: Worker;
  port: MessagePort;
  state: Int32Array;
}

let current: CheckWorker | undefined;

function startWorker(): CheckWorker {
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const validator = createRequire(import.meta.url).resolve("@cfworker/json-schema");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { validator, port: port2, signal },
    transferList: [port2],
    resourceLimits: WORKER_LIMITS,
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, state: new Int32Array(signal) };
}

/**
 * Validates `value` against `schema` in the worker; answers `"timeout"` when the check ran
 * longer than `timeoutMs` (the worker is then terminated). The wait for a new worker to
 * start is not charged to the check, so it blocks at most `timeoutMs` once it runs.
 */
export function checkInWorker(
  schema: unknown,
  value: unknown,
  timeoutMs: number,
): SchemaCheckReply | "timeout" {
  current ??= startWorker();
  const check = current;
  Atomics.store(check.state, 0, 0);
  check.port.postMessage({ schema, value });
  Atomics.wait(check.state, 0, 0, START_ALLOWANCE_MS);
  Atomics.wait(check.state, 0, 1, timeoutMs);
  const reply = Atomics.load(check.state, 0) === 2 ? receiveMessageOnPort(check.port) : undefined;
  if (!reply) {
    current = undefined;
    void check.worker.terminate();
    return "timeout";
  }
  return reply.message as SchemaCheckReply;
}
