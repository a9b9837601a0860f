/**
 * @module actions/schema-check-worker
 * Runs a JSON Schema validation in a worker thread and waits for it synchronously, at most
 * a deadline. A schema's `pattern`s are JavaScript regular expressions, and some backtrack
 * catastrophically on some inputs (`^(a+)+$` against `"aaaa...!"`): run on the event loop,
 * one such check would freeze the process for minutes, and a JavaScript regular expression
 * cannot be interrupted. In a worker it can: past the deadline the worker is terminated
 * (the next check starts a new one) and the check is reported as timed out. The caller
 * blocks until the answer or the deadline (`Atomics.wait`), so the check stays synchronous.
 */
import { createRequire } from "node:module";
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";

/** One validation error, as @cfworker/json-schema reports it. */
export interface SchemaCheckError {
  keyword: string;
  instanceLocation: string;
  error: string;
}

/** The worker's answer. */
export type SchemaCheckReply =
  | { ok: true; valid: boolean; errors: SchemaCheckError[] }
  | { ok: false; message: string };

/**
 * JavaScript source of `check(schema, value)` (a {@link SchemaCheckReply}), shared by the
 * workers of both variants; `workerData.validator` is the path of @cfworker/json-schema.
 */
export const CHECK_SOURCE = `
const { Validator } = require(require("node:worker_threads").workerData.validator);
const check = (schema, value) => {
  try {
    const result = new Validator(schema, "2020-12", false).validate(value);
    return {
      ok: true,
      valid: result.valid,
      errors: result.errors.map((e) => ({ keyword: e.keyword, instanceLocation: e.instanceLocation, error: e.error })),
    };
  } catch (error) {
    return { ok: false, message: String((error && error.message) || error) };
  }
};
`;

// Plain JavaScript (eval), so it runs the same from TypeScript sources and from dist/.
const WORKER_SOURCE = `${CHECK_SOURCE}
const { workerData } = require("node:worker_threads");
const done = new Int32Array(workerData.signal);
workerData.port.on("message", ({ schema, value }) => {
  workerData.port.postMessage(check(schema, value));
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

/** Extra time the first check of a new worker gets (the thread has to start). */
const START_ALLOWANCE_MS = 10_000;

interface CheckWorker {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
  started: boolean;
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
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, done: new Int32Array(signal), started: false };
}

/**
 * Validates `value` against `schema` in the worker; answers `"timeout"` when no answer came
 * within `timeoutMs` (the worker is then terminated).
 */
export function checkInWorker(
  schema: unknown,
  value: unknown,
  timeoutMs: number,
): SchemaCheckReply | "timeout" {
  current ??= startWorker();
  const check = current;
  Atomics.store(check.done, 0, 0);
  check.port.postMessage({ schema, value });
  Atomics.wait(check.done, 0, 0, check.started ? timeoutMs : timeoutMs + START_ALLOWANCE_MS);
  const reply = receiveMessageOnPort(check.port);
  if (!reply) {
    current = undefined;
    void check.worker.terminate();
    return "timeout";
  }
  check.started = true;
  return reply.message as SchemaCheckReply;
}
