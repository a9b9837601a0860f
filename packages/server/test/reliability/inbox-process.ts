/**
 * @module test/reliability/inbox-process
 * An inbox instance as a child process running the CLI (`src/cli.ts --database-url`), so the
 * fault test can SIGKILL it mid-soak and start it again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sleep } from "./reliability-env.js";

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** A running CLI inbox. */
export interface InboxProcess {
  /** Its `/api` URL. */
  url: string;
  port: number;
  /** Everything it printed (for failure messages). */
  output(): string;
  /** True until the process exits. */
  alive(): boolean;
  /** SIGKILL: no graceful shutdown, connections and timers vanish. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `safeguards-inbox --database-url url --port 0 ...args` with `env` (keys, secret). */
export async function startInboxProcess(
  databaseUrl: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<InboxProcess> {
  // Node itself with tsx as a loader (not the tsx wrapper, which would leave its child
  // running when killed): SIGKILL must hit the process that serves.
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@safeguards/source",
      cli,
      "--port",
      "0",
      "--database-url",
      databaseUrl,
      ...args,
    ],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
  for (let i = 0; i < 1200 && !/listening: (\S+)/.test(out); i += 1) {
    if (proc.exitCode !== null) break;
    await sleep(50);
  }
  const url = /listening: (\S+)/.exec(out)?.[1];
  if (!url) {
    proc.kill("SIGKILL");
    throw new Error(`the inbox CLI did not start: ${out}`);
  }
  return {
    url,
    port: Number(new URL(url).port),
    output: () => out,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill("SIGTERM");
      return exited;
    },
  };
}
