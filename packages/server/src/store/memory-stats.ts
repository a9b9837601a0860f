/**
 * @module store/memory-stats
 * The memory store's {@link ActionStore.stats} and {@link ActionStore.oldestPending}: the
 * same numbers as the SQL stores' grouped queries, counted over the records it holds (they
 * are in memory anyway), and the reference the store contract checks the SQL stores against.
 */

import {
  createdMsOf,
  decidedMsOf,
  decisionBucket,
  type GroupStats,
  groupKeyOf,
  REVIEWER_DECISIONS,
  type StatsQuery,
  statsAccumulator,
} from "./action-stats.js";
import type { OldestPendingQuery, StoredAction, StoredRecord } from "./action-store.js";

/** The stats of `records` over `query`. */
export function memoryStats(records: Iterable<StoredRecord>, query: StatsQuery): GroupStats[] {
  const acc = statsAccumulator(query);
  for (const record of records) {
    const created = createdMsOf(record);
    const ended = decidedMsOf(record);
    const group = () => acc.group(groupKeyOf(record));
    if (created !== null && created < query.sinceMs && (ended === null || ended >= query.sinceMs)) {
      group().pendingAtStart += 1;
    }
    const filedBin = created === null ? undefined : acc.binOf(created);
    if (filedBin !== undefined) (group().filed[filedBin] as number) += 1;
    const endedBin = ended === null ? undefined : acc.binOf(ended);
    if (ended !== null && endedBin !== undefined && record.status !== "pending") {
      const g = group();
      (g.ended[record.status][endedBin] as number) += 1;
      if (REVIEWER_DECISIONS.includes(record.status)) {
        const took = Math.max(0, ended - (created ?? ended));
        (g.decisionTimes[decisionBucket(took)] as number) += 1;
        g.longestDecisionMs = Math.max(g.longestDecisionMs, took);
      }
    }
    for (const step of record.escalations ?? []) {
      const bin = acc.binOf(Date.parse(step.escalated_at));
      if (bin !== undefined) (group().escalations[bin] as number) += 1;
    }
  }
  return acc.result();
}

/** Pending actions in `(created_at, id)` order after `query.after`, at most `query.limit`. */
export function memoryOldestPending(
  actions: Iterable<StoredAction>,
  query: OldestPendingQuery,
): StoredAction[] {
  const key = (a: StoredAction) => ({ ms: createdMsOf(a.record) ?? 0, id: a.record.id });
  const before = (x: { ms: number; id: string }, y: { ms: number; id: string }) =>
    x.ms < y.ms || (x.ms === y.ms && x.id < y.id);
  const after = query.after && { ms: query.after.createdMs, id: query.after.id };
  return [...actions]
    .filter((a) => a.record.status === "pending" && (!after || before(after, key(a))))
    .sort((a, b) => (before(key(a), key(b)) ? -1 : before(key(b), key(a)) ? 1 : 0))
    .slice(0, query.limit);
}
