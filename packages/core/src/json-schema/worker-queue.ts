/**
 * @module json-schema/worker-queue
 * The non-blocking variant of `sync-worker.ts`, for servers: checks run one after another
 * in one persistent worker thread, and the caller awaits the answer instead of blocking its
 * event loop. Each check's deadline starts when the worker starts it (so a check queued
 * behind a slow one is not charged for it); a check past its deadline answers `"timeout"`,
 * the worker is terminated, and the checks still queued are sent to a new worker.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { CHECK_SOURCE, type SchemaCheckReply, WORKER_LIMITS } from "./check-source.js";

// Plain JavaScript (eval), so it runs the same from TypeScript sources and from dist/.
const WORKER_SOURCE = `${CHECK_SOURCE}
const { parentPort } = require("node:worker_threads");
parentPort.on("message", ({ id, schema, value }) => {
  parentPort.postMessage({ id, started: true });
  parentPort.postMessage({ id, reply: check(schema, value) });
});
`;

/** A check waits at most this long for the worker to start it (thread start-up included). */
const START_ALLOWANCE_MS = 10_000;

interface Job {
  id: number;
  schema: unknown;
  value: unknown;
  timeoutMs: number;
  resolve: (reply: SchemaCheckReply | "timeout") => void;
  timer: ReturnType<typeof setTimeout>;
}

type WorkerMessage = { id: number; started: true } | { id: number; reply: SchemaCheckReply };

let worker: Worker | undefined;
let nextId = 0;
const jobs = new Map<number, Job>();

function startWorker(): Worker {
  const validator = createRequire(import.meta.url).resolve("@cfworker/json-schema");
  const started = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { validator },
    resourceLimits: WORKER_LIMITS,
  });
  let running: Job | undefined; // the check the worker started and has not answered
  started.unref();
  started.on("message", (message: WorkerMessage) => {
    const job = jobs.get(message.id);
    if (!job) return;
    clearTimeout(job.timer);
    if ("started" in message) {
      running = job;
      job.timer = deadline(job, job.timeoutMs);
      return;
    }
    running = undefined;
    jobs.delete(job.id);
    if (jobs.size === 0) started.unref(); // idle: the worker does not keep the process alive
    job.resolve(message.reply);
  });
  const replace = (error?: Error) => {
    if (worker !== started) return;
    worker = undefined;
    // The check that ended the worker (out of memory, ...) is refused, not run again.
    if (running && jobs.delete(running.id)) {
      clearTimeout(running.timer);
      running.resolve({ ok: false, message: `the check ended its worker (${crash(error)})` });
    }
    if (jobs.size > 0) {
      worker = startWorker();
      worker.ref();
      for (const job of jobs.values()) post(worker, job);
    }
  };
  started.on("error", replace);
  started.on("exit", () => replace());
  return started;
}

function crash(error: Error | undefined): string {
  return error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : "exit";
}

function post(target: Worker, job: Job): void {
  target.postMessage({ id: job.id, schema: job.schema, value: job.value });
}

function deadline(job: Job, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(() => {
    jobs.delete(job.id);
    job.resolve("timeout");
    // The worker is stuck on this check (or never started): end it; the rest go to a new one.
    const stuck = worker;
    worker = undefined;
    if (jobs.size > 0) {
      worker = startWorker();
      worker.ref();
      for (const other of jobs.values()) {
        clearTimeout(other.timer);
        other.timer = deadline(other, other.timeoutMs + START_ALLOWANCE_MS);
        post(worker, other);
      }
    }
    void stuck?.terminate();
  }, ms);
  timer.unref?.();
  return timer;
}

/** Validates `value` against `schema` in the worker; `"timeout"` past `timeoutMs` of work. */
export function checkInWorkerAsync(
  schema: unknown,
  value: unknown,
  timeoutMs: number,
): Promise<SchemaCheckReply | "timeout"> {
  return new Promise((resolve) => {
    const job: Job = { id: ++nextId, schema, value, timeoutMs, resolve, timer: undefined as never };
    job.timer = deadline(job, timeoutMs + START_ALLOWANCE_MS);
    jobs.set(job.id, job);
    worker ??= startWorker();
    worker.ref(); // a check in flight keeps the process alive until it is answered
    post(worker, job);
  });
}
