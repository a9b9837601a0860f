import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { deferCleanup } from "@safeguards/test-support";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { StatsQuery } from "../src/store/action-stats.js";
import type { ActionStore } from "../src/store/action-store.js";
import { createMemoryStore } from "../src/store/memory-store.js";
import { dailyEndOf } from "../src/store/sqlite-stats-daily.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";
import { expectRollupMatchesRecount } from "./stats-daily-recount.js";
import { endAt, fileAt, fileScenario, SINCE, totals, UNTIL } from "./store-stats-contract.js";

const defer = deferCleanup();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** More than the contract's scenario: other days, an escalated action decided, a late filing. */
async function fileMix(store: ActionStore) {
  await fileScenario(store, "bot", "bot-b");
  await fileAt(store, "m-escalated-decided", "bot", SINCE - DAY + HOUR);
  const current = await store.get("m-escalated-decided");
  const step = { step: 0, after_seconds: 60, assignees: ["bob"], escalated_at: "" };
  step.escalated_at = new Date(SINCE - DAY + 2 * HOUR).toISOString();
  const moved = await store.update({
    id: "m-escalated-decided",
    record: { ...current!.record, assignees: ["bob"], escalations: [step] },
    revision: current!.revision,
    actor: "system:escalation",
    at: step.escalated_at,
  });
  expect(moved.ok).toBe(true);
  await endAt(store, "m-escalated-decided", "approved", SINCE + 3 * HOUR); // new group, next day
  await fileAt(store, "m-filed-late", "bot", SINCE + 10 * HOUR); // decided "before" its filing
  await endAt(store, "m-filed-late", "rejected", SINCE + 9 * HOUR);
  await fileAt(store, "m-timeout", "bot", SINCE - 2 * DAY);
  await endAt(store, "m-timeout", "timed_out", SINCE - DAY - HOUR);
  await fileAt(store, "m-cancel", "bot-b", UNTIL + HOUR);
  await endAt(store, "m-cancel", "cancelled", UNTIL + 2 * HOUR);
}

/** Day-aligned queries (read from the rollup on SQLite) and others (counted from actions). */
const QUERIES: StatsQuery[] = [
  { sinceMs: SINCE - 3 * DAY, untilMs: UNTIL + 2 * DAY, binMs: DAY },
  { sinceMs: SINCE - 2 * DAY, untilMs: UNTIL + 3 * HOUR, binMs: DAY }, // last bin partial
  { sinceMs: SINCE - 2 * DAY, untilMs: UNTIL + 2 * DAY, binMs: 2 * DAY },
  { sinceMs: SINCE, untilMs: UNTIL, binMs: DAY }, // one day: its decision times alone
  { sinceMs: SINCE - DAY, untilMs: SINCE, binMs: DAY },
  { sinceMs: SINCE - 3 * HOUR, untilMs: UNTIL, binMs: DAY }, // not aligned: no rollup
];

async function expectSameAsMemory(store: ActionStore) {
  const memory = createMemoryStore();
  await fileMix(memory);
  for (const query of QUERIES) {
    expect([query, totals(await store.stats(query))]).toEqual([
      query,
      totals(await memory.stats(query)),
    ]);
  }
}

describe("SQLite daily rollup (action_stats_daily)", () => {
  it("is used for whole-day bins only", () => {
    expect(dailyEndOf({ sinceMs: SINCE, untilMs: UNTIL + 5 * HOUR, binMs: DAY })).toBe(UNTIL);
    expect(dailyEndOf({ sinceMs: SINCE, untilMs: UNTIL, binMs: HOUR })).toBe(SINCE);
    expect(dailyEndOf({ sinceMs: SINCE + HOUR, untilMs: UNTIL, binMs: DAY })).toBe(SINCE + HOUR);
    // Three days in bins of two: one whole bin, then a partial one.
    expect(dailyEndOf({ sinceMs: SINCE - DAY, untilMs: UNTIL + DAY, binMs: 2 * DAY })).toBe(UNTIL);
  });

  it("matches a recount after filings, decisions, time-outs, cancellations, escalations and deletes", async () => {
    const path = tempDbPath();
    mkdirSync(dirname(path), { recursive: true });
    const store = createSqliteStore({ path });
    defer(() => store.close());
    await store.init();
    await fileMix(store);
    expectRollupMatchesRecount(path);
    await expectSameAsMemory(store);

    // The store never deletes an action, but a delete (by hand) keeps the rollup right too,
    // the longest decision time of the day counted again without the deleted one.
    const query = { sinceMs: UNTIL, untilMs: UNTIL + DAY, binMs: DAY };
    expect(totals(await store.stats(query)).longestDecisionMs).toBe(DAY); // s-late-decision
    const db = new Database(path);
    defer(() => db.close());
    db.prepare("DELETE FROM actions WHERE id IN ('s-late-decision', 's-escalated')").run();
    expectRollupMatchesRecount(path);
    expect(totals(await store.stats(query))).toMatchObject({
      approved: [0],
      cancelled: [1], // m-cancel, no decision: no decision time
      longestDecisionMs: 0,
    });
  });
});
