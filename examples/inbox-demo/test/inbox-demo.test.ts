/**
 * Runs `main.ts --scripted <decision>` as a child process on a free port (PORT=0) with a
 * temporary SQLite file and checks what it prints and its exit code.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const main = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Runs the demo; `decision` undefined runs it as `pnpm start` does (a person decides). */
function startDemo(decision?: string) {
  const db = join(mkdtempSync(join(tmpdir(), "inbox-demo-")), "inbox.db");
  const args = ["--import", "tsx", "--conditions=@safeguards/source", main];
  const child = spawn(process.execPath, decision ? [...args, "--scripted", decision] : args, {
    cwd: root,
    env: { ...process.env, PORT: "0", SAFEGUARDS_DB: db },
    stdio: "pipe",
  });
  let out = "";
  const seen: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d;
    for (const check of seen.splice(0)) check();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const done = new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  /** Resolves once the output contains `text`. */
  const printed = (text: string) =>
    new Promise<string>((resolve) => {
      const check = () => (out.includes(text) ? resolve(out) : seen.push(check));
      check();
    });
  return { done, printed, kill: () => child.kill("SIGKILL") };
}

const runDemo = (decision: string) => startDemo(decision).done;

/** A curl command as printed (`curl -sS -X POST 'url' -H 'k: v' ... -d 'body'`) run with fetch. */
function runCurl(command: string): Promise<Response> {
  const url = /-X POST '([^']+)'/.exec(command)?.[1] ?? "";
  const headers = Object.fromEntries(
    [...command.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1]!, m[2]!]),
  );
  const body = /-d '([^']*)'/.exec(command)?.[1] ?? "";
  return fetch(url, { method: "POST", headers, body });
}

describe("inbox demo (pnpm start) with a scripted reviewer", () => {
  it("prints the request, the curl commands, and the approved outcome", async () => {
    const { code, out } = await runDemo("approve");
    expect(code).toBe(0);
    expect(out).toMatch(/Approval inbox listening on http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(out).toMatch(/reviewer analytics: http:\/\/127\.0\.0\.1:\d+\/analytics\n/);
    expect(out).toMatch(/Filed approval request act_\w+/);
    expect(out).toContain("Transaction of $2500.00 requires approval");
    expect(out).toMatch(/curl -sS -X POST '.*\/actions\/act_\w+\/decision'/);
    expect(out).toContain('"response_data":{"amount":"1800.00"}');
    expect(out).toMatch(/Approved transaction executed: \{ success: true, .*amount: 2500\.00/);
    expect(out).toContain("Outcome: approved");
    expect(out).toContain("Decided by: demo-reviewer");
  }, 40_000);

  it("runs the modified transaction with 1800.00", async () => {
    const { code, out } = await runDemo("modify");
    expect(code).toBe(0);
    expect(out).toMatch(/Modified transaction executed: \{ success: true, .*amount: 1800\.00/);
    expect(out).toContain("Outcome: modified");
  }, 40_000);

  it("does not run a rejected transaction", async () => {
    const { code, out } = await runDemo("reject");
    expect(code).toBe(0);
    expect(out).not.toMatch(/transaction executed/i);
    expect(out).toContain(
      "Transaction not executed. Status: rejected, Reason: Too risky for this client",
    );
    expect(out).toContain("Outcome: rejected");
  }, 40_000);

  it("as pnpm start: a working review page, and the printed curl decides; the demo finishes", async () => {
    const demo = startDemo();
    try {
      const out = await demo.printed("Waiting for a decision...");
      const page = /Review page: (\S+)/.exec(out)?.[1] ?? "";
      const password = /password (\S+)\)/.exec(out)?.[1] ?? "";
      expect(page).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/review\/act_\w+$/);
      // The page exists (sign-in first), and the printed password signs in to it.
      const origin = new URL(page).origin;
      const anonymous = await fetch(page, { redirect: "manual" });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get("location")).toContain("/login");
      const login = await fetch(`${origin}/login`);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? "";
      const signedIn = await fetch(`${origin}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ _csrf: csrf, name: "demo-reviewer", password }).toString(),
      });
      const session = signedIn.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const review = await fetch(page, { headers: { cookie: session } });
      expect(review.status).toBe(200);
      expect(await review.text()).toContain("Approve High-Value Transaction");
      // The printed analytics page counts the pending request for the signed-in reviewer.
      const analytics = /reviewer analytics: (\S+)/.exec(out)?.[1] ?? "";
      expect(analytics).toBe(`${origin}/analytics`);
      expect((await fetch(analytics, { redirect: "manual" })).status).toBe(303);
      const plots = await fetch(analytics, { headers: { cookie: session } });
      expect(plots.status).toBe(200);
      const html = await plots.text();
      expect(html).toContain('<svg class="chart" id="backlog" role="img"');
      // the request waits in the longest-waiting table, linked to its review page
      expect(html).toContain(
        `<a href="${new URL(page).pathname}">Approve High-Value Transaction</a>`,
      );
      // A person runs the printed "reject" command in another shell.
      const command = /# reject\n(curl[\s\S]*?)\n\n/.exec(out)?.[1] ?? "";
      const decided = await runCurl(command.replace(/\\\n\s*/g, " "));
      expect(decided.status).toBe(200);
      const { code, out: all } = await demo.done;
      expect(code).toBe(0);
      expect(all).toContain("Outcome: rejected");
      expect(all).toContain("Decided by: demo-reviewer");
    } finally {
      demo.kill();
    }
  }, 40_000);

  it("refuses an unknown scripted decision", async () => {
    const { code, out } = await runDemo("maybe");
    expect(code).toBe(2);
    expect(out).toContain("usage:");
  }, 40_000);
});
