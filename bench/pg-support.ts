/**
 * @module bench/pg-support
 * Helpers of the PostgreSQL benchmark: a cluster (the one in SAFEGUARDS_TEST_DATABASE_URL, or
 * a throwaway one started with scripts/start-postgres.sh), a fresh database per setup, and
 * inbox instances as CLI child processes (each its own process, like a real deployment).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AGENT, AGENT_KEY, REVIEWER_TOKEN } from "./support.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
// `pg` is the server package's dependency (not the root's): load it from there.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const pg = createRequire(join(root, "packages/server/package.json"))("pg") as {
  Client: new (options: { connectionString: string }) => PgClient;
};

/** A cluster to benchmark on, or why there is none. */
export type Cluster = { adminUrl: string; stop(): Promise<void> } | { skipped: string };

/** The test cluster from the environment, else a throwaway one (stopped by `stop()`). */
export async function resolveCluster(): Promise<Cluster> {
  const fromEnv = process.env.SAFEGUARDS_TEST_DATABASE_URL;
  if (fromEnv) return { adminUrl: fromEnv, stop: async () => {} };
  const dir = join(tmpdir(), `safeguards-bench-pg-${randomBytes(4).toString("hex")}`);
  const env = { ...process.env, PGTEST_DIR: dir };
  try {
    const { stdout } = await run("bash", [join(root, "scripts/start-postgres.sh")], { env });
    const adminUrl = /SAFEGUARDS_TEST_DATABASE_URL=(\S+)/.exec(stdout)?.[1];
    if (!adminUrl) return { skipped: `start-postgres.sh printed no URL (${stdout.trim()})` };
    return {
      adminUrl,
      stop: () =>
        run("bash", [join(root, "scripts/stop-postgres.sh")], { env }).then(() => undefined),
    };
  } catch (error) {
    const message = String((error as { stderr?: string }).stderr || error).trim();
    return { skipped: `could not start PostgreSQL: ${message.split("\n").pop()}` };
  }
}

/** Creates an empty database on the cluster; answers its URL and a drop function. */
export async function createDatabase(adminUrl: string) {
  const name = `sg_bench_${randomBytes(5).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A temporary SQLite file path. */
export const tempSqlite = () => join(mkdtempSync(join(tmpdir(), "safeguards-bench-")), "inbox.db");

/** An inbox instance in its own process. */
export interface InboxChild {
  /** `/api` URL. */
  url: string;
  origin: string;
  pid: number;
  /** Heap used and RSS of the process after a full GC (bytes; see memory-probe.ts). */
  memory(): Promise<{ heapUsed: number; rss: number }>;
  stop(): Promise<void>;
}

/** Starts the CLI with `--db file` or `--database-url url`. */
export async function startInboxChild(store: { db: string } | { databaseUrl: string }) {
  const args = "db" in store ? ["--db", store.db] : ["--database-url", store.databaseUrl];
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      "--import",
      "./bench/memory-probe.ts",
      "--conditions=@safeguards/source",
      "packages/server/src/cli.ts",
      "--port",
      "0",
      ...args,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        SAFEGUARDS_API_KEYS: `${AGENT_KEY}=${AGENT}`,
        SAFEGUARDS_REVIEWER_TOKENS: `${REVIEWER_TOKEN}=bench-reviewer`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise((r) => proc.once("exit", r));
  for (let i = 0; i < 1200 && !/listening: (\S+)/.test(out); i += 1) {
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /listening: (\S+)/.exec(out)?.[1];
  if (!url) {
    proc.kill("SIGKILL");
    throw new Error(`inbox CLI did not start: ${out}`);
  }
  const child: InboxChild = {
    url,
    origin: new URL(url).origin,
    pid: proc.pid ?? 0,
    async memory() {
      const from = out.length;
      proc.kill("SIGUSR2");
      for (let i = 0; i < 200; i += 1) {
        const m = /memory-probe: (\d+) (\d+)/.exec(out.slice(from));
        if (m) return { heapUsed: Number(m[1]), rss: Number(m[2]) };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the inbox did not answer the memory probe");
    },
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
  return child;
}

/** CPU seconds (user + system) used so far by process `pid` (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in ticks (CLK_TCK 100)
  } catch {
    return 0;
  }
}

/** Pids of the PostgreSQL backends serving database `name` (their title names it). */
export function backendPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.startsWith("postgres: ") && cmd.includes(` ${name} `)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
