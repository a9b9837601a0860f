/**
 * @module langgraph-server
 * Starts the official LangGraph server (`langgraphjs dev` from `@langchain/langgraph-cli`, in
 * memory) on this folder's `langgraph.json`, and stops it again.
 *
 * - `NODE_OPTIONS=--conditions=@safeguards/source`: the CLI runs the server through tsx and
 *   passes its environment down, so the served `graph.ts` loads the workspace packages'
 *   TypeScript sources (their `"@safeguards/source"` export) and no build is needed.
 * - The CLI, tsx, the server and esbuild are separate processes: the CLI is spawned in its
 *   own process group and the whole group is killed (killing the CLI alone leaves the server
 *   up). The group is also killed if this process exits or gets a signal first.
 * - Offline: no analytics, no tracing, no browser.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CLI = join(HERE, "node_modules", ".bin", "langgraphjs");

/** A running server. */
export interface ServedGraphs {
  url: string;
  /** Kills the server's process group; resolves when it is gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** What the server's processes get on top of this process's environment. */
const SERVER_ENV = {
  NODE_OPTIONS: "--conditions=@safeguards/source", // the served graph loads our TypeScript sources
  LANGGRAPH_CLI_NO_ANALYTICS: "1", // offline: no analytics call at start
  LANGSMITH_TRACING: "false", // and no traces sent anywhere
  LANGCHAIN_TRACING_V2: "false",
  NO_COLOR: "1", // readable output when a failed start prints it
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: matches colour escape codes
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on right now (bind port 0, read it, let it go). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Sends `signal` to the process group `pgid`; false when the group is gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `langgraphjs dev --host 127.0.0.1 --port <port> --no-browser` in this folder and
 * resolves once `GET /ok` answers. Rejects, with the server's output and after stopping it,
 * when it exits or does not answer within `readyMs`.
 */
export async function startLangGraphDev(port: number, readyMs = 60_000): Promise<ServedGraphs> {
  const args = ["dev", "--host", "127.0.0.1", "--port", String(port), "--no-browser"];
  const env = { ...process.env, ...SERVER_ENV };
  const child = spawn(CLI, args, {
    cwd: HERE,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${CLI}`);
  const killOnExit = () => signalGroup(pgid, "SIGKILL");
  process.once("exit", killOnExit);

  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString().replace(ANSI_COLOUR, "")).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exitCode: number | null | undefined;
  child.once("exit", (code) => {
    exitCode = code;
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      signalGroup(pgid, "SIGTERM");
      for (let waited = 0; signalGroup(pgid, 0) && waited < 5_000; waited += 100) await pause(100);
      signalGroup(pgid, "SIGKILL");
      process.off("exit", killOnExit);
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyMs;
  for (;;) {
    const ok = await fetch(`${url}/ok`, { signal: AbortSignal.timeout(1_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return { url, stop };
    // a graph that fails to load leaves the CLI running (waiting for a file change)
    const failed = /^error:/m.test(log);
    if (failed || exitCode !== undefined || Date.now() > deadline) {
      if (failed) await pause(500); // the rest of the stack trace
      await stop();
      const why = failed
        ? "could not load the graphs"
        : exitCode !== undefined
          ? `exited (${exitCode})`
          : `was not ready after ${readyMs} ms`;
      throw new Error(`langgraphjs dev ${why}; its output:\n${log}`);
    }
    await pause(200);
  }
}
