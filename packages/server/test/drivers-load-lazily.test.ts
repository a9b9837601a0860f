import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// Each case runs in a fresh Node process (tsx as a loader, workspace sources), since this
// test process has loaded every driver already.
const child = fileURLToPath(new URL("./fixtures/loaded-drivers.ts", import.meta.url));
const run = async (...args: string[]) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@safeguards/source", child, ...args],
    { timeout: 30_000 },
  );
  return JSON.parse(stdout) as { status: number; betterSqlite3: boolean; pg: boolean };
};
const dir = mkdtempSync(join(tmpdir(), "sg-drivers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("database drivers are loaded only when a store needs them", () => {
  it("an in-memory inbox from @safeguards/server loads neither better-sqlite3 nor pg", async () => {
    expect(await run("memory")).toEqual({ status: 404, betterSqlite3: false, pg: false });
  });

  it("a SQLite file loads better-sqlite3 (and not pg) when the inbox starts", async () => {
    expect(await run(join(dir, "inbox.db"))).toEqual({
      status: 404,
      betterSqlite3: true,
      pg: false,
    });
  });

  it("the driver subpaths load their driver", async () => {
    expect(await run("memory", "postgres")).toMatchObject({ betterSqlite3: false, pg: true });
    expect(await run("memory", "sqlite")).toMatchObject({ betterSqlite3: true, pg: false });
  });
});
