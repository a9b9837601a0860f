import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deferCleanup } from "@safeguards/test-support";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createGroupCommit } from "../src/store/sqlite-group-commit.js";

const defer = deferCleanup();

function open(path?: string) {
  const dir = mkdtempSync(join(tmpdir(), "sg-group-"));
  const file = path ?? join(dir, "db.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 0");
  db.exec("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY)");
  defer(() => {
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

  it("runs a singleStatement change without a savepoint; a failing statement is undone alone", async () => {
    const { db } = open();
    const group = createGroupCommit(db);
    const insert = db.prepare("INSERT INTO t (n) VALUES (?)");
    const inTransaction: boolean[] = [];
    const results = await Promise.allSettled([
      group.run(() => insert.run(1).changes, { singleStatement: true }),
      // one statement that fails half-way (the second row violates the primary key)
      group.run(() => db.prepare("INSERT INTO t (n) VALUES (2), (1)").run(), {
        singleStatement: true,
      }),
      group.run(
        () => {
          inTransaction.push(db.inTransaction);
          return insert.run(3).changes;
        },
        { singleStatement: true },
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[1]).toMatchObject({ reason: { code: "SQLITE_CONSTRAINT_PRIMARYKEY" } });
    expect(inTransaction).toEqual([true]);
    expect(rows(db)).toEqual([1, 3]); // row 2 of the failed statement was undone with it

    // No savepoint: what a singleStatement change wrote before throwing is NOT undone (which
    // is why only a change that writes with one statement may say so).
    await expect(
      group.run(
        () => {
          insert.run(5);
          throw new Error("after its one statement");
        },
        { singleStatement: true },
      ),
    ).rejects.toThrow("after its one statement");
    expect(rows(db)).toEqual([1, 3, 5]);
  });

  it("fails every change of the batch when SQLite abandons the transaction mid-batch", async () => {
    const { db } = open();
    const group = createGroupCommit(db);
    const insert = db.prepare("INSERT INTO t (n) VALUES (?)");
    let laterRan = false;
    const results = await Promise.allSettled([
      group.run(() => insert.run(1).changes, { singleStatement: true }),
      group.run(
        () => {
          // What SQLite does on an I/O error or a full disk: the whole transaction is gone.
          db.exec("ROLLBACK");
          throw new Error("disk I/O error");
        },
        { singleStatement: true },
      ),
      group.run(() => {
        laterRan = true;
        return insert.run(3).changes;
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(results[0]).toMatchObject({ reason: { message: "disk I/O error" } });
    expect(laterRan).toBe(false); // it did not run outside the transaction
    expect(rows(db)).toEqual([]); // the change reported failed is not stored either
    expect(db.inTransaction).toBe(false);
    await group.run(() => insert.run(4).changes);
    expect(rows(db)).toEqual([4]);
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
