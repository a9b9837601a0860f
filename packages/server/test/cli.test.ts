import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseKeyList } from "../src/cli/parse-key-list.js";
import { slackFromEnv } from "../src/cli/slack-env.js";
import {
  AGENT_KEY,
  call,
  decideAs,
  file,
  REVIEWER_TOKEN,
  requestBody,
  tempDbPath,
} from "./helpers.js";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
// Node itself with tsx as a loader: killing the tsx wrapper (SIGKILL) would orphan its child.
const root = fileURLToPath(new URL("../../..", import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

function run(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@safeguards/source", cli, ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child = proc;
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    return out;
  };
  return { proc, exited, waitFor, output: () => out };
}

describe("safeguards-inbox CLI", () => {
  it("prints help", async () => {
    const { exited, output } = run(["--help"]);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/Usage: safeguards-inbox/);
    expect(output()).toMatch(/SAFEGUARDS_API_KEYS/);
  });

  it("refuses to start without API keys", async () => {
    const { exited, output } = run(["--port", "0"], { SAFEGUARDS_API_KEYS: "" });
    expect(await exited).toBe(1);
    expect(output()).toMatch(/SAFEGUARDS_API_KEYS/);
  });

  it("serves the API from the environment's keys and stops on SIGTERM", async () => {
    const db = tempDbPath();
    const { proc, exited, waitFor } = run(["--port", "0", "--db", db], {
      SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`,
      SAFEGUARDS_REVIEWER_TOKENS: `${REVIEWER_TOKEN}=alice`,
    });
    const out = await waitFor(/listening: (\S+)/);
    const url = /listening: (\S+)/.exec(out)?.[1] as string;
    const body = requestBody();
    expect((await file(url, body)).status).toBe(201);
    expect((await decideAs(url, body.id, { type: "approve" })).body.decision.reviewer).toBe(
      "alice",
    );
    expect((await call(url, "/decisions", { token: AGENT_KEY })).body.decisions).toHaveLength(1);
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);

  it("applies --max-pending-per-agent and refuses a malformed quota", async () => {
    const env = { SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor` };
    const bad = run(["--port", "0", "--db", "memory", "--max-waits-per-agent", "0"], env);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/--max-waits-per-agent must be a positive integer/);
    const args = ["--port", "0", "--db", "memory", "--max-pending-per-agent", "2"];
    const { proc, exited, waitFor } = run([...args, "--max-waits-per-agent", "5"], env);
    const url = /listening: (\S+)/.exec(await waitFor(/listening: (\S+)/))?.[1] as string;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await file(url, requestBody())).status);
    expect(statuses).toEqual([201, 201, 429]);
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);

  it("reads Slack approvals from SAFEGUARDS_SLACK_*, and refuses half a configuration", async () => {
    expect(slackFromEnv({})).toBeUndefined();
    expect(
      slackFromEnv({
        SAFEGUARDS_SLACK_SIGNING_SECRET: "s3cret",
        SAFEGUARDS_SLACK_BOT_TOKEN: "xoxb-1",
        SAFEGUARDS_SLACK_CHANNEL: "C1",
        SAFEGUARDS_SLACK_API_URL: "http://127.0.0.1:9/api",
        SAFEGUARDS_SLACK_WEBHOOK_URL: "",
      }),
    ).toEqual({
      signingSecret: "s3cret",
      botToken: "xoxb-1",
      channel: "C1",
      apiUrl: "http://127.0.0.1:9/api",
    });
    expect(() => slackFromEnv({ SAFEGUARDS_SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(
      /SAFEGUARDS_SLACK_BOT_TOKEN is set without SAFEGUARDS_SLACK_SIGNING_SECRET/,
    );
    const env = {
      SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`,
      SAFEGUARDS_SLACK_SIGNING_SECRET: "s3cret",
      SAFEGUARDS_SLACK_WEBHOOK_URL: "http://127.0.0.1:9/webhook",
    };
    const noReviewers = run(["--port", "0", "--db", "memory"], env);
    expect(await noReviewers.exited).toBe(1);
    expect(noReviewers.output()).toMatch(/SAFEGUARDS_SLACK_\*\) need --reviewers/);
  }, 30_000);

  it("parses key lists", () => {
    expect(parseKeyList("X", "k1=a, k2=b")).toEqual({ k1: "a", k2: "b" });
    expect(() => parseKeyList("X", "novalue")).toThrow(/X/);
  });
});
