import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactUrl, selectStore } from "../src/cli/store-selection.js";
import { DEFAULT_SQLITE_PATH } from "../src/store/sqlite-store.js";
import { AGENT_KEY, call, decideAs, file, REVIEWER_TOKEN, requestBody } from "./helpers.js";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
// Node itself with tsx as a loader: killing the tsx wrapper (SIGKILL) would orphan its child.
const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("CLI store selection", () => {
  it("prefers --database-url, then --db, then DATABASE_URL, then the SQLite default", () => {
    const pgUrl = "postgres://app:s3cret@db.internal:5432/inbox";
    expect(selectStore({ databaseUrl: pgUrl })).toEqual({
      store: pgUrl,
      label: "postgres://app:***@db.internal:5432/inbox",
    });
    expect(selectStore({ db: "x.db", envDatabaseUrl: pgUrl }).store).toBe("x.db");
    expect(selectStore({ envDatabaseUrl: pgUrl }).store).toBe(pgUrl);
    expect(selectStore({ envDatabaseUrl: "" }).store).toBe(DEFAULT_SQLITE_PATH);
    expect(() => selectStore({ db: "x.db", databaseUrl: pgUrl })).toThrow(/not both/);
    expect(() => selectStore({ databaseUrl: "mysql://x" })).toThrow(/postgres:\/\//);
    expect(redactUrl("postgresql://u@h/d")).toBe("postgresql://u@h/d");
  });
});

describe.runIf(PG_TEST_URL)("two CLI inbox processes on one PostgreSQL database", () => {
  let db: TestDatabase;
  const children: ChildProcess[] = [];

  const start = async (args: string[], env: Record<string, string>) => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@safeguards/source", cli, "--port", "0", ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`,
          SAFEGUARDS_REVIEWER_TOKENS: `${REVIEWER_TOKEN}=alice`,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(proc);
    let out = "";
    proc.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    proc.stderr?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    for (let i = 0; i < 400 && !/listening: (\S+)/.test(out); i++) {
      if (proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /listening: (\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`CLI did not start: ${out}`);
    return { url, out, proc };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode === null) {
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        await exited;
      }
    }
    await db?.drop();
  });

  it("selects PostgreSQL by --database-url or DATABASE_URL; a decision on one wakes the other", async () => {
    const a = await start(["--database-url", db.url], {});
    const b = await start([], { DATABASE_URL: db.url });
    expect(a.out).toContain(`store: ${db.url}`);
    const body = requestBody();
    expect((await file(a.url, body)).status).toBe(201);
    const waiting = call(b.url, "/decisions?since=0&wait=30", { token: AGENT_KEY });
    await new Promise((r) => setTimeout(r, 200));
    const decidedAt = performance.now();
    expect((await decideAs(a.url, body.id, { type: "approve" })).status).toBe(200);
    const woken = await waiting;
    // Far under the 30 s wait (room for a loaded machine): woken by A's NOTIFY, not the deadline.
    expect(performance.now() - decidedAt).toBeLessThan(15_000);
    const decisions = (woken.body as { decisions: { id: string; status: string }[] }).decisions;
    expect(decisions.map((d) => [d.id, d.status])).toEqual([[body.id, "approved"]]);
    const exited = new Promise((r) => b.proc.once("exit", r));
    b.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
