/**
 * @module store/memory-callbacks
 * The owed-callback part of the memory store: which decided actions still owe their
 * callback, how each delivery ended, and the lease of the instance sending one (each method
 * runs without awaiting, so it is atomic within the process).
 */
import type { ActionStore, CallbackOutcome, CallbackState, StoredAction } from "./action-store.js";

/** One action in the memory store, with its owed callback's state and lease. */
export interface MemoryRow {
  seq: number;
  action: StoredAction;
  /** Set by a terminal transition when the action has a callback URL. */
  callback?: "pending" | CallbackOutcome;
  /** Who holds the owed callback's lease, and until when (ms). */
  lease?: { owner: string; until: number };
}

const clone = <T>(value: T): T => structuredClone(value);

/** The callback methods of the memory {@link ActionStore} over its `rows`. */
export function memoryCallbackState(rows: Map<string, MemoryRow>): CallbackState {
  return {
    async pendingCallbacks(limit) {
      return [...rows.values()]
        .filter((r) => r.callback === "pending")
        .sort((a, b) => (a.action.decisionSeq ?? 0) - (b.action.decisionSeq ?? 0))
        .slice(0, limit)
        .map((r) => clone(r.action));
    },

    async settleCallback(actionId, outcome) {
      const row = rows.get(actionId);
      if (row?.callback === "pending") row.callback = outcome;
    },

    async leaseCallbacks(query) {
      const leased = [...rows.values()]
        .filter(
          (r) =>
            r.callback === "pending" &&
            (query.actionId === undefined || r.action.record.id === query.actionId) &&
            (r.lease === undefined || r.lease.until <= query.nowMs),
        )
        .sort((a, b) => (a.action.decisionSeq ?? 0) - (b.action.decisionSeq ?? 0))
        .slice(0, query.limit);
      for (const r of leased) r.lease = { owner: query.owner, until: query.untilMs };
      return leased.map((r) => clone(r.action));
    },

    async renewCallbackLeases(owner, untilMs) {
      let renewed = 0;
      for (const r of rows.values()) {
        if (r.callback !== "pending" || r.lease?.owner !== owner) continue;
        r.lease.until = untilMs;
        renewed += 1;
      }
      return renewed;
    },

    async releaseCallbackLeases(owner) {
      for (const r of rows.values()) {
        if (r.callback === "pending" && r.lease?.owner === owner) delete r.lease;
      }
    },
  };
}
