/**
 * @module langgraph-server
 * Test helper: runs the official LangGraph server (`langgraphjs dev` from
 * `@langchain/langgraph-cli`, in memory) on a free port and hands back an SDK `Client`.
 *
 * How the served graphs load our TypeScript sources without a build: the CLI spawns the
 * server through `tsx watch` (which compiles `.ts` graph files and anything they import)
 * and passes its own environment down. Our workspace packages export
 * `"@safeguards/source"` -> `src/*.ts` next to `default` -> `dist/`;
 * `NODE_OPTIONS=--conditions=@safeguards/source` makes Node's resolver (which tsx's and the
 * API's loader hooks delegate to) pick that entry. Checked: without it the graph fails to
 * load ("Cannot find module .../@safeguards/core/dist/index.js"). The condition is named
 * after our scope because dependencies (eventsource-parser 3, used by `ai`) publish a plain
 * `source` condition pointing at their own `.ts` files.
 *
 * Other facts this helper relies on (@langchain/langgraph-cli 2.0.0):
 * - `langgraphjs dev` keeps running when a graph fails to load (tsx waits for a file change),
 *   so the start also fails fast when the server logs an error before it is ready.
 * - The project directory is the directory of `langgraph.json`: the CLI appends to its
 *   `.gitignore` and the server keeps `.langgraph_api/` there. The config therefore lives in
 *   a temp dir, and graph paths are written relative to it (the API's preload `join`s the
 *   project dir with the first graph path, so an absolute path would break its resolution
 *   of `@langchain/langgraph`).
 * - The CLI, `tsx watch`, the server and esbuild are separate processes: killing the CLI
 *   alone leaves the server up, so the whole process group is killed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";

/** Options of {@link startLangGraphServer}. */
export interface StartLangGraphServerOptions {
  /** Graph id -> `"./path/file.ts:exportName"`, the path relative to `cwd`. */
  graphs: Record<string, string>;
  /** Directory the graph paths are relative to. */
  cwd: string;
  /** How long to wait for the server to answer (default 60 s). */
  readyTimeoutMs?: number;
}

/** A running server; `stop()` kills its whole process group and removes its temp dir. */
export interface LangGraphServer {
  url: string;
  client: Client;
  /** The temp dir holding langgraph.json (the server's project dir), removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
const CLI = path.join(PACKAGE_DIR, "node_modules", ".bin", "langgraphjs");
const STOP_GRACE_MS = 5_000;
const OUTPUT_LIMIT = 64 * 1024;

/** Process groups and temp dirs still alive, cleaned up if the test process exits. */
const live = new Map<number, string>();
let exitHooked = false;

function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pid: number): boolean {
  return killGroup(pid, 0);
}

function hookProcessExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const cleanupSync = () => {
    for (const [pid, dir] of live) {
      killGroup(pid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
    live.clear();
  };
  process.on("exit", cleanupSync);
  // A signal skips "exit": clean up, then let the signal do what it would have done.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      cleanupSync();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the group is gone or `ms` pass; true when gone. */
async function waitGroupGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!groupAlive(pid)) return true;
    await sleep(50);
  }
  return !groupAlive(pid);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Starts `langgraphjs dev` serving `options.graphs` and resolves once `GET /ok` answers.
 * Rejects (after killing the server) with the captured server output if it does not answer
 * within `readyTimeoutMs`, exits, or logs an error first.
 */
export async function startLangGraphServer(
  options: StartLangGraphServerOptions,
): Promise<LangGraphServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "safeguards-langgraph-server-"));
  const graphs = Object.fromEntries(
    Object.entries(options.graphs).map(([id, spec]) => {
      const colon = spec.lastIndexOf(":");
      const file = colon > 0 ? spec.slice(0, colon) : spec;
      const exportName = colon > 0 ? spec.slice(colon) : "";
      const relative = path.relative(dir, path.resolve(options.cwd, file));
      return [id, `./${relative.split(path.sep).join("/")}${exportName}`];
    }),
  );
  const configFile = path.join(dir, "langgraph.json");
  await writeFile(configFile, JSON.stringify({ node_version: "20", graphs }, null, 2));

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let child: ChildProcess;
  try {
    child = spawn(
      CLI,
      [
        "dev",
        "--port",
        String(port),
        "--host",
        "127.0.0.1",
        "--no-browser",
        "--config",
        configFile,
      ],
      {
        cwd: dir,
        detached: true, // own process group, so stop() reaches tsx and the server too
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          // Replaces, not extends, an inherited NODE_OPTIONS (e.g. --inspect of the test run).
          NODE_OPTIONS: "--conditions=@safeguards/source",
          LANGGRAPH_CLI_NO_ANALYTICS: "1",
          LANGSMITH_TRACING: "false",
          LANGCHAIN_TRACING_V2: "false",
          BROWSER: "none",
          NO_COLOR: "1",
          FORCE_COLOR: "0",
        },
      },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not spawn ${CLI}`);
  }
  live.set(pid, dir);
  hookProcessExit();

  const capture = (chunk: Buffer) => {
    output += chunk.toString("utf8").replace(ANSI, "");
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", capture);
  child.stderr?.on("data", capture);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (killGroup(pid, "SIGTERM") && !(await waitGroupGone(pid, STOP_GRACE_MS))) {
        killGroup(pid, "SIGKILL");
        await waitGroupGone(pid, 2_000);
      }
      await Promise.race([exit, sleep(2_000)]);
      live.delete(pid);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const fail = async (why: string): Promise<never> => {
    await stop();
    throw new Error(`LangGraph server ${why}. Server output:\n${output}`);
  };
  for (;;) {
    if (exited) return fail("exited before it was ready");
    if (/^error:/m.test(output)) {
      await sleep(500); // let the rest of the stack trace arrive
      return fail("logged an error while starting");
    }
    if (Date.now() > deadline) return fail(`did not answer GET /ok within ${timeoutMs} ms`);
    try {
      const response = await fetch(`${url}/ok`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { url, client: new Client({ apiUrl: url }), dir, stop };
}
