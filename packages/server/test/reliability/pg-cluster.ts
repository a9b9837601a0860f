/**
 * @module test/reliability/pg-cluster
 * A throwaway PostgreSQL cluster of the fault test's own (scripts/start-postgres.sh in a
 * temporary folder, on a free port), so restarting it mid-soak disturbs nobody else's tests.
 * `restart()` is a real `pg_ctl restart -m fast`: every connection is dropped.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const scripts = fileURLToPath(new URL("../../../../scripts/", import.meta.url));
const BIN = process.env.PGTEST_BIN ?? "/usr/lib/postgresql/15/bin";

/** A running cluster. */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  url: string;
  /** `pg_ctl restart -m fast` (drops every connection); resolves when it accepts again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `pg_ctl` as the cluster owner (PostgreSQL refuses to run as root). */
async function pgCtl(args: string[]): Promise<void> {
  const pgctl = join(BIN, "pg_ctl");
  if (process.getuid?.() === 0) await run("runuser", ["-u", "postgres", "--", pgctl, ...args]);
  else await run(pgctl, args);
}

/** Starts a cluster in a fresh temporary folder. */
export async function startPgCluster(): Promise<PgCluster> {
  // The script creates the folder and hands it to the `postgres` user.
  const dir = join(tmpdir(), `safeguards-reliability-pg-${randomBytes(4).toString("hex")}`);
  const env: NodeJS.ProcessEnv = { ...process.env, PGTEST_DIR: dir, PGTEST_PORT: "" };
  const { stdout } = await run("bash", [join(scripts, "start-postgres.sh")], { env });
  const url = /SAFEGUARDS_TEST_DATABASE_URL=(\S+)/.exec(stdout)?.[1];
  if (!url) throw new Error(`start-postgres.sh printed no URL: ${stdout}`);
  return {
    url,
    // -l: the server must not inherit (and hold open) this call's output pipe.
    restart: () =>
      pgCtl(["-D", dir, "-l", join(dir, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"]),
    async stop() {
      await run("bash", [join(scripts, "stop-postgres.sh")], { env }).catch(() => {});
    },
  };
}
