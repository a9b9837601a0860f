/**
 * @module test/store-stats-contract
 * The analytics part of the {@link ActionStore} contract (run by `store-contract.ts` for
 * every store): filings, decisions, time-outs, cancellations and escalation steps at chosen
 * times give exact numbers per bin, with the bin edges where `action-stats.ts` puts them,
 * nothing outside the range counted; the oldest pending actions come in `(created_at, id)`
 * order, a page at a time; times no database can read never break a write.
 */
import type { TerminalStatus } from "@safeguards/core";
import { expect } from "vitest";
import { DECISION_TIME_BUCKETS, type GroupStats } from "../src/store/action-stats.js";
import type { ActionStore, StoredRecord } from "../src/store/action-store.js";
import { pendingRecord, stored } from "./store-contract.js";

const HOUR = 3_600_000;
const MIN = 60_000;
/** End of the range the scenario is read over (24 bins of one hour). */
export const UNTIL = Date.parse("2030-01-10T00:00:00.000Z");
export const SINCE = UNTIL - 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const TYPE: Record<TerminalStatus, string> = {
  approved: "approve",
  modified: "modify",
  rejected: "reject",
  timed_out: "timeout",
  cancelled: "cancel",
};

/** Files `id` created at `createdMs` (never expiring within the scenario). */
export async function fileAt(
  store: ActionStore,
  id: string,
  agent: string,
  createdMs: number,
  extra: Partial<StoredRecord> = {},
) {
  const record: StoredRecord = {
    ...pendingRecord(id, agent),
    created_at: iso(createdMs),
    expires_at: iso(UNTIL + 100 * HOUR),
    ...extra,
  };
  const at = iso(createdMs);
  return stored(
    await store.create({ record, requestHash: `h-${id}`, callbackUrl: null, actor: "agent", at }),
  );
}

/** Ends `id` with `status` at `decidedMs`. */
export async function endAt(store: ActionStore, id: string, status: TerminalStatus, ms: number) {
  const decision = { type: TYPE[status], reviewer: "alice", decided_at: iso(ms) };
  const result = await store.transition({
    id,
    status,
    decision: decision as NonNullable<StoredRecord["decision"]>,
    actor: "reviewer:alice",
    at: iso(ms),
  });
  expect(result.ok).toBe(true);
}

/** Applies escalation steps to pending `id`, one update per time in `at` (ms). */
async function escalate(store: ActionStore, id: string, at: number[]) {
  for (const ms of at) {
    const current = await store.get(id);
    if (!current) throw new Error(`no ${id}`);
    const done = current.record.escalations ?? [];
    const step = {
      step: done.length,
      after_seconds: 60,
      assignees: ["bob"],
      escalated_at: iso(ms),
    };
    const record = { ...current.record, assignees: ["bob"], escalations: [...done, step] };
    const result = await store.update({
      id,
      record,
      revision: current.revision,
      actor: "system:escalation",
      at: iso(ms),
    });
    expect(result.ok).toBe(true);
  }
}

/** Element-wise sums of the groups' numbers. */
export function totals(groups: GroupStats[]) {
  const sum = (pick: (g: GroupStats) => number[]) =>
    groups.reduce<number[]>((acc, g) => pick(g).map((n, i) => n + (acc[i] ?? 0)), []);
  return {
    pendingAtStart: groups.reduce((n, g) => n + g.pendingAtStart, 0),
    filed: sum((g) => g.filed),
    approved: sum((g) => g.ended.approved),
    modified: sum((g) => g.ended.modified),
    rejected: sum((g) => g.ended.rejected),
    timed_out: sum((g) => g.ended.timed_out),
    cancelled: sum((g) => g.ended.cancelled),
    decisionTimes: sum((g) => g.decisionTimes),
    longestDecisionMs: groups.reduce((n, g) => Math.max(n, g.longestDecisionMs), 0),
    escalations: sum((g) => g.escalations),
  };
}

/** 24 zeros with `counts` (bin -> n) set. */
const bins = (counts: Record<number, number> = {}) =>
  Array.from({ length: 24 }, (_, i) => counts[i] ?? 0);

/** Files the scenario of {@link checkStats} for agents `a` and `b`. */
export async function fileScenario(store: ActionStore, a: string, b: string): Promise<void> {
  const email = { action: { name: "email", args: {} } };
  await fileAt(store, "s-old-pending", a, SINCE - 2 * HOUR); // pending throughout
  await fileAt(store, "s-esc-old", a, SINCE - 2 * HOUR); // same time: ordered by id
  await escalate(store, "s-esc-old", [SINCE - HOUR, SINCE + HOUR]); // one step before the range
  await fileAt(store, "s-old-decided-in", a, SINCE - HOUR);
  await endAt(store, "s-old-decided-in", "approved", SINCE + 30 * MIN); // 90 min, bin 0
  await fileAt(store, "s-before", a, SINCE - 3 * HOUR);
  await endAt(store, "s-before", "rejected", SINCE - HOUR); // wholly before the range
  await fileAt(store, "s-edge-start", a, SINCE); // a bin's start belongs to it
  await endAt(store, "s-edge-start", "rejected", SINCE + HOUR); // bin 1, took 1 h
  await fileAt(store, "s-late-decision", a, SINCE + HOUR);
  await endAt(store, "s-late-decision", "approved", UNTIL + HOUR); // after the range
  await fileAt(store, "s-timeout", a, SINCE + 2 * HOUR);
  await endAt(store, "s-timeout", "timed_out", SINCE + 5 * HOUR);
  await fileAt(store, "s-cancel", a, SINCE + 2 * HOUR + 1);
  await endAt(store, "s-cancel", "cancelled", SINCE + 2 * HOUR + 10_000);
  await fileAt(store, "s-modified", b, SINCE + 3 * HOUR, email);
  await endAt(store, "s-modified", "modified", SINCE + 3 * HOUR + 45_000); // 45 s
  await fileAt(store, "s-escalated", a, SINCE + 4 * HOUR);
  await escalate(store, "s-escalated", [SINCE + 4 * HOUR + 10 * MIN, SINCE + 4 * HOUR + 20 * MIN]);
  await fileAt(store, "s-edge-end", a, UNTIL - 1); // last bin
  await fileAt(store, "s-at-until", a, UNTIL); // outside: the range ends before `until`
}

/** Checks `stats()` over the scenario, per bin and per group. */
export async function checkStats(store: ActionStore, agent: string): Promise<void> {
  const b = `${agent}-b`;
  await fileScenario(store, agent, b);
  const groups = await store.stats({ sinceMs: SINCE, untilMs: UNTIL, binMs: HOUR });
  const buckets = (counts: Record<number, number>) =>
    Array.from({ length: DECISION_TIME_BUCKETS.length + 1 }, (_, i) => counts[i] ?? 0);
  expect(totals(groups)).toEqual({
    pendingAtStart: 3, // s-old-pending, s-esc-old, s-old-decided-in
    filed: bins({ 0: 1, 1: 1, 2: 2, 3: 1, 4: 1, 23: 1 }),
    approved: bins({ 0: 1 }),
    modified: bins({ 3: 1 }),
    rejected: bins({ 1: 1 }),
    timed_out: bins({ 5: 1 }),
    cancelled: bins({ 2: 1 }),
    // 45 s (<= 60 s), 1 h (<= 3600 s), 90 min (<= 7200 s); time-outs and cancellations not.
    decisionTimes: buckets({ 2: 1, 7: 1, 8: 1 }),
    longestDecisionMs: 90 * MIN,
    escalations: bins({ 1: 1, 4: 2 }),
  });
  // Groups carry agent, tool, severity and the current assignees (escalations add `bob`).
  const agentB = groups.filter((g) => g.agentId === b);
  expect(agentB).toHaveLength(1);
  expect(agentB[0]).toMatchObject({ tool: "email", severity: "WARNING" });
  expect(agentB[0]?.assignees).toBeUndefined();
  const escalated = groups.find((g) => g.assignees?.includes("bob"));
  expect(escalated).toMatchObject({ agentId: agent, tool: "transfer", assignees: ["bob"] });
  expect(escalated?.escalations).toEqual(bins({ 1: 1, 4: 2 }));
  expect(escalated?.pendingAtStart).toBe(1); // s-esc-old (s-escalated was filed in the range)

  // Whole UTC days (the SQLite store reads them from its daily rollup): the same actions.
  const days = totals(
    await store.stats({ sinceMs: SINCE - 24 * HOUR, untilMs: UNTIL + 24 * HOUR, binMs: 24 * HOUR }),
  );
  expect(days).toEqual({
    pendingAtStart: 0,
    filed: [4, 7, 1],
    approved: [0, 1, 1],
    modified: [0, 1, 0],
    rejected: [1, 1, 0],
    timed_out: [0, 1, 0],
    cancelled: [0, 1, 0],
    // s-before's 2 h and s-late-decision's 24 h now count too.
    decisionTimes: buckets({ 2: 1, 7: 1, 8: 2, 11: 1 }),
    longestDecisionMs: 24 * HOUR,
    escalations: [1, 3, 0],
  });

  // A range with nothing in it (after everything ended) counts only what was pending.
  const later = totals(
    await store.stats({ sinceMs: UNTIL + 2 * HOUR, untilMs: UNTIL + 3 * HOUR, binMs: HOUR }),
  );
  expect(later.pendingAtStart).toBe(5); // pending at UNTIL, s-late-decision having ended
  expect(later.filed).toEqual([0]);
  await expect(store.stats({ sinceMs: SINCE, untilMs: UNTIL, binMs: 0 })).rejects.toThrow(
    RangeError,
  );
}

/** Checks `oldestPending()` paging over the scenario. */
export async function checkOldestPending(store: ActionStore, agent: string): Promise<void> {
  await fileScenario(store, agent, `${agent}-b`);
  const ids: string[] = [];
  let after: { createdMs: number; id: string } | undefined;
  for (let page = 0; page < 10; page++) {
    const actions = await store.oldestPending({ limit: 2, ...(after ? { after } : {}) });
    ids.push(...actions.map((a) => a.record.id));
    const last = actions.at(-1)?.record;
    if (!last) break;
    after = { createdMs: Date.parse(last.created_at), id: last.id };
  }
  expect(ids).toEqual(["s-esc-old", "s-old-pending", "s-escalated", "s-edge-end", "s-at-until"]);
}

/** Times a database cannot read (year 0, beyond 9999) never refuse a filing or a decision. */
export async function checkUnreadableTimes(store: ActionStore, agent: string): Promise<void> {
  for (const [i, created] of [
    "0000-01-01T00:00:00.000Z",
    "+010000-01-01T00:59:59.000Z",
  ].entries()) {
    const id = `odd-${i}`;
    await fileAt(store, id, agent, 0, { created_at: created });
    await endAt(store, id, "approved", UNTIL);
    expect((await store.get(id))?.record.status).toBe("approved");
  }
  // Year 0 ends when decided; year 10000 ends when filed (never before), outside the range,
  // where a database reads it (PostgreSQL cannot, and counts it when decided).
  const groups = await store.stats({ sinceMs: SINCE, untilMs: UNTIL + 1, binMs: HOUR });
  expect(totals(groups).approved.reduce((a, n) => a + n, 0)).toBeGreaterThanOrEqual(1);
}
