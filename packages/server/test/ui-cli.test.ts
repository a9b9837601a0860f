/**
 * `safeguards-inbox --reviewers FILE`: the CLI serves the web inbox with the file's accounts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT_KEY } from "./helpers.js";
import { Browser, PASSWORDS, testAccounts, UI_SECRET } from "./ui-helpers.js";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
// Node itself with tsx as a loader: killing the tsx wrapper (SIGKILL) would orphan its child.
const root = fileURLToPath(new URL("../../..", import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

function run(args: string[], env: Record<string, string>) {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@safeguards/source", cli, ...args],
    {
      cwd: root,
      env: { ...process.env, SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child = proc;
  let out = "";
  const collect = (c: Buffer) => {
    out += c.toString();
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    return out;
  };
  return { exited, waitFor, output: () => out };
}

describe("safeguards-inbox --reviewers", () => {
  it("serves the web inbox for the file's accounts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-reviewers-"));
    const file = join(dir, "reviewers.json");
    writeFileSync(file, JSON.stringify(testAccounts()));
    const { waitFor } = run(["--port", "0", "--db", "memory", "--reviewers", file], {
      SAFEGUARDS_REVIEWER_SECRET: UI_SECRET,
    });
    const out = await waitFor(/listening: (\S+)/);
    expect(out).toMatch(/warning: reviewers: bcrypt cost below 10 for alice \(cost 4\)/);
    const url = /listening: (\S+)/.exec(out)![1]!;
    const b = new Browser(url.replace(/\/api$/, ""));
    expect((await b.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    expect(await (await b.fetch("/inbox")).text()).toContain("Nothing waiting for you.");
  });

  it("--trust-proxy honours X-Forwarded-Proto; an https --public-url makes cookies Secure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-reviewers-"));
    const file = join(dir, "reviewers.json");
    writeFileSync(file, JSON.stringify(testAccounts()));
    const env = { SAFEGUARDS_REVIEWER_SECRET: UI_SECRET };
    const base = ["--port", "0", "--db", "memory", "--reviewers", file];
    for (const extra of [["--trust-proxy"], ["--public-url", "https://inbox.example.test"]]) {
      const { waitFor } = run([...base, ...extra], env);
      const url = /listening: (\S+)/.exec(await waitFor(/listening: (\S+)/))![1]!;
      const b = new Browser(url.replace(/\/api$/, ""), { "x-forwarded-proto": "https" });
      const res = await b.signIn("alice", PASSWORDS.alice);
      expect(res.status).toBe(303);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sg_session="));
      expect(cookie).toMatch(/; Secure/);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      child?.kill("SIGKILL");
    }
  });

  it("refuses to start without SAFEGUARDS_REVIEWER_SECRET", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-reviewers-"));
    const file = join(dir, "reviewers.json");
    writeFileSync(file, JSON.stringify(testAccounts()));
    const { exited, output } = run(["--port", "0", "--db", "memory", "--reviewers", file], {
      SAFEGUARDS_REVIEWER_SECRET: "",
    });
    expect(await exited).toBe(1);
    expect(output()).toMatch(/secret must be at least 32 characters/);
  });
});
