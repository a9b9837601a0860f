import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createGroupCommit } from "../src/store/sqlite-group-commit.js";

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.splice(0).reverse()) fn();
});

function open(path?: string) {
  const dir = mkdtempSync(join(tmpdir(), "sg-group-"));
  const file = path ?? join(dir, "db.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 0");
  db.exec("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY)");
  cleanup.push(() => {
    db.close();
    if (!path) rmSync(dir, { recursive: true, force: true });
  });
  return { db, file };
}

const rows = (db: Database.Database) =>
  db
    .prepare<[], { n: number }>("SELECT n FROM t ORDER BY n")
    .all()
    .map((r) => r.n);

describe("SQLite group commit", () => {
  it("runs changes of one tick in one transaction, in order, each in its own savepoint", async () => {
    const { db } = open();
    const group = createGroupCommit(db);
    const insert = db.prepare("INSERT INTO t (n) VALUES (?)");
    const seen: boolean[] = [];
    const results = await Promise.allSettled([
      group.run(() => {
        seen.push(db.inTransaction);
        insert.run(1);
        return "a";
      }),
      group.run(() => {
        insert.run(2);
        throw new Error("second fails after writing");
      }),
      group.run(() => {
        insert.run(3);
        return rows(db); // sees the first change, not the rolled-back second
      }),
    ]);
    expect(seen).toEqual([true]);
    expect(results[0]).toEqual({ status: "fulfilled", value: "a" });
    expect(results[1]).toMatchObject({
      status: "rejected",
      reason: { message: "second fails after writing" },
    });
    expect(results[2]).toEqual({ status: "fulfilled", value: [1, 3] });
    expect(rows(db)).toEqual([1, 3]);
    expect(db.inTransaction).toBe(false);
  });

  it("fails the whole batch, storing nothing, when its transaction cannot start", async () => {
    const { db, file } = open();
    const other = open(file).db;
    const group = createGroupCommit(db);
    const insert = db.prepare("INSERT INTO t (n) VALUES (?)");
    other.exec("BEGIN IMMEDIATE"); // another process holds the write lock
    const blocked = await Promise.allSettled([
      group.run(() => insert.run(1)),
      group.run(() => insert.run(2)),
    ]);
    expect(blocked.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    other.exec("COMMIT");
    expect(rows(db)).toEqual([]);
    await group.run(() => insert.run(4));
    expect(rows(other)).toEqual([4]); // committed, visible to another connection
  });

  it("splits a large batch into transactions of at most maxBatch changes", async () => {
    const { db } = open();
    const group = createGroupCommit(db, { maxBatch: 2 });
    const insert = db.prepare("INSERT INTO t (n) VALUES (?)");
    const done = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => group.run(() => insert.run(n).changes)),
    );
    expect(done).toEqual([1, 1, 1, 1, 1]);
    expect(rows(db)).toEqual([1, 2, 3, 4, 5]);
  });

  it("flush() runs queued changes at once (before the database closes)", async () => {
    const { db } = open();
    const group = createGroupCommit(db);
    const pending = group.run(() => db.prepare("INSERT INTO t (n) VALUES (7)").run().changes);
    group.flush();
    expect(rows(db)).toEqual([7]);
    await expect(pending).resolves.toBe(1);
  });
});
