/**
 * @module store/sqlite-checkpointer
 * WAL checkpoints of SQLite files in a background thread. In WAL mode every commit appends
 * pages to the `-wal` file, and a checkpoint copies them back into the database file and
 * syncs it (`synchronous=NORMAL` syncs only there). Left to SQLite, the commit that crosses
 * 1,000 WAL pages runs the checkpoint itself, on the event loop, in the middle of answering
 * a request. Here one worker thread per process (started with the first file, ended with the
 * last) holds its own connection to each watched file and runs a PASSIVE checkpoint (it
 * never blocks a writer) every `intervalMs`. The store's own connection keeps a far larger
 * automatic checkpoint as a safety net, and returns to SQLite's default if the worker fails.
 * Durability is unchanged: a commit is in the WAL before anyone is answered.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";

/** Options of {@link watchCheckpoints}. */
export interface CheckpointOptions {
  /** Time between two checkpoints of one file (ms). @default 100 */
  intervalMs?: number;
  /** Called once if the worker fails (the file then checkpoints on its own connection). */
  onFailure?: (error: unknown) => void;
}

type Message =
  | { type: "watch"; path: string; intervalMs: number }
  | { type: "unwatch"; path: string };

// Plain JavaScript run by the worker (eval: the same code from TS sources and from dist/). A
// file that cannot be opened or checkpointed is skipped: the store's own connection still
// checkpoints it past its automatic limit. With no file left the thread ends by itself.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3);
const files = new Map();
const checkpoint = (db) => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} };
const open = (path, intervalMs) => {
  try {
    const db = new Database(path, { fileMustExist: true });
    return { db, timer: setInterval(checkpoint, intervalMs, db) };
  } catch { return {}; }
};
parentPort.on("message", (m) => {
  const file = files.get(m.path);
  if (m.type === "watch") {
    if (file) file.refs += 1;
    else files.set(m.path, { ...open(m.path, m.intervalMs), refs: 1 });
    return;
  }
  if (!file || --file.refs > 0) return;
  clearInterval(file.timer);
  file.db?.close();
  files.delete(m.path);
  if (files.size === 0) parentPort.close();
});
`;

let worker: Worker | undefined;
/** What to call, per watched file, when the worker fails. */
const watchers = new Map<symbol, (error: unknown) => void>();

function startWorker(): Worker {
  const betterSqlite3 = createRequire(import.meta.url).resolve("better-sqlite3");
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { betterSqlite3 } });
  started.unref();
  const fail = (error: unknown) => {
    if (worker !== started) return;
    worker = undefined;
    for (const failed of watchers.values()) failed(error);
    watchers.clear();
  };
  started.on("error", fail);
  started.on("exit", (code) => fail(new Error(`checkpoint worker exited (code ${code})`)));
  return started;
}

/**
 * Checkpoints the WAL of the SQLite file at `path` in the background until the returned
 * function is called. `path` must exist (the store has created it).
 */
export function watchCheckpoints(file: string, options: CheckpointOptions = {}): () => void {
  const path = resolve(file); // the worker opens it; the working directory may change later
  try {
    worker ??= startWorker();
  } catch (error) {
    options.onFailure?.(error); // no thread to be had: the file checkpoints on its own connection
    return () => {};
  }
  const key = Symbol(path);
  let failed = false;
  watchers.set(key, (error) => {
    failed = true;
    options.onFailure?.(error);
  });
  post({ type: "watch", path, intervalMs: options.intervalMs ?? 100 });
  return () => {
    if (failed || !watchers.delete(key)) return;
    post({ type: "unwatch", path });
    // The worker ends itself after closing its last connection; the next file starts a new one.
    if (watchers.size === 0) worker = undefined;
  };
}

function post(message: Message): void {
  worker?.postMessage(message);
}
