/**
 * `pnpm start` (in this folder): the approval inbox on a free port, then the payments agent
 * in a child process until it waits for approvals; the agent process exits; a scripted
 * reviewer decides in the inbox (modify one transfer, reject the other, approve the
 * closure); a NEW agent process finds the waiting thread in the SQLite checkpoint, picks up
 * the decisions and resumes the thread exactly once.
 *
 * `--in-process`: the same story without HTTP: an in-process approval channel stands in
 * for the inbox, and the restart is a new graph and bridge on the same SQLite file.
 *
 * `--postgres`: the HTTP story on PostgreSQL (`DATABASE_URL`, else
 * `SAFEGUARDS_TEST_DATABASE_URL`): the inbox store and the LangGraph checkpoints
 * (`PostgresSaver`) live in that database; worker A interrupts and exits, worker B, another
 * process with its own connections, resumes the thread. Each run uses a new thread id.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createInbox } from "@safeguards/server";
import { runInProcess } from "./in-process.js";
import { setupPostgres, THREAD_ID } from "./payments-agent.js";
import { decideAll } from "./reviewer.js";

/** What must have run after the decisions (and nothing else). */
export const EXPECTED_RAN = [
  "transfer_funds 1800.00 -> ACME Ltd",
  "close_account ACC-OLD-17",
  "get_balance ACC-MAIN",
];

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));

async function agentProcess(phase: "start" | "resume", env: Record<string, string>) {
  const { stdout } = await run(
    "pnpm",
    ["exec", "tsx", "--conditions=@safeguards/source", join(here, "agent.ts"), "--phase", phase],
    { cwd: here, env: { ...process.env, ...env }, timeout: 120_000 },
  );
  const lines = stdout.trim().split("\n");
  for (const line of lines.filter((l) => !l.startsWith("RESULT "))) console.log(line);
  const last = lines.findLast((l) => l.startsWith("RESULT "));
  if (!last) throw new Error(`agent --phase ${phase} printed no RESULT`);
  return JSON.parse(last.slice("RESULT ".length));
}

async function overHttp(dir: string, databaseUrl?: string): Promise<string[]> {
  const apiKey = `sk_${randomBytes(12).toString("hex")}`;
  const reviewerToken = `rt_${randomBytes(12).toString("hex")}`;
  // on a shared database every run gets its own thread (a thread's checkpoints persist)
  const threadId = databaseUrl ? `${THREAD_ID}-${randomBytes(4).toString("hex")}` : THREAD_ID;
  if (databaseUrl) await setupPostgres(databaseUrl); // checkpoint tables, once per database
  const inbox = createInbox({
    store: databaseUrl ?? join(dir, "inbox.db"),
    apiKeys: { [apiKey]: "payments-agent" },
    reviewerTokens: { [reviewerToken]: "cfo" },
  });
  const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
  console.log(`inbox: ${url}${databaseUrl ? " (PostgreSQL store)" : ""}`);
  try {
    const env = {
      SAFEGUARDS_URL: url,
      SAFEGUARDS_API_KEY: apiKey,
      AGENT_THREAD_ID: threadId,
      ...(databaseUrl ? { AGENT_DATABASE_URL: databaseUrl } : { AGENT_DB: join(dir, "agent.db") }),
    };
    const first = await agentProcess("start", env);
    console.log(`agent process ${first.pid} exited with ${first.filed.length} calls waiting\n`);
    await decideAll(url, reviewerToken, threadId);
    const second = await agentProcess("resume", env);
    if (second.pid === first.pid) throw new Error("expected a new agent process");
    return second.ran;
  } finally {
    await inbox.close();
  }
}

/** The PostgreSQL URL for `--postgres`. */
function postgresUrl(): string {
  const url = process.env.DATABASE_URL || process.env.SAFEGUARDS_TEST_DATABASE_URL;
  if (!url) {
    console.error("--postgres needs DATABASE_URL (or SAFEGUARDS_TEST_DATABASE_URL)");
    process.exit(2);
  }
  return url;
}

const databaseUrl = process.argv.includes("--postgres") ? postgresUrl() : undefined;
const dir = mkdtempSync(join(tmpdir(), "langgraph-interrupt-"));
let code = 0;
try {
  const ran = process.argv.includes("--in-process")
    ? await runInProcess(dir)
    : await overHttp(dir, databaseUrl);
  const ok = JSON.stringify(ran) === JSON.stringify(EXPECTED_RAN);
  console.log(
    `\nran: ${JSON.stringify(ran)}\n${ok ? "OK" : `UNEXPECTED (wanted ${JSON.stringify(EXPECTED_RAN)})`}`,
  );
  if (!ok) code = 1;
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
