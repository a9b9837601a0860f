/**
 * @module inbox/stats-service
 * Builds one reviewer's {@link StatsReport} (what `GET /api/stats` answers and `/analytics`
 * draws) from the store's grouped numbers (`ActionStore.stats`): each group (agent, tool,
 * severity, assignees) is kept only when the reviewer may see its actions, with the one
 * rights rule of the inbox (`gate.canSee` on the group's stand-in record), so a reviewer
 * limited to some agents or tools, or not an assignee, counts nothing else anywhere.
 *
 * Median and p90 decision times are estimated from the fixed histogram buckets: linear
 * interpolation inside the bucket holding the quantile (as Prometheus' `histogram_quantile`),
 * the open last bucket ending at the longest decision time seen.
 */
import type { ReviewerIdentity } from "@safeguards/core/internal";
import { groupRecord } from "../auth/group-record.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import {
  binCount,
  DECISION_TIME_BUCKETS,
  FINAL_STATUSES,
  type GroupStats,
  type StatsQuery,
} from "../store/action-stats.js";
import type { StoredRecord } from "../store/action-store.js";
import { isoTime } from "../util/iso-time.js";
import type { ActionService } from "./action-service.js";
import {
  type DecisionTimeSummary,
  type OutcomeCounts,
  type SlowPendingAction,
  STATS_RANGES,
  type StatsRange,
  type StatsReport,
} from "./stats-report.js";

/** Most actions in `slowest_pending`. */
export const SLOWEST_PENDING = 10;
/** Pending actions read per page while looking for the slowest visible ones. */
const OLDEST_PAGE = 100;
/** Most pending actions read for `slowest_pending` (the list may come out shorter). */
export const OLDEST_SCAN_BUDGET = 2000;

/**
 * The analytics report of `reviewer` over `range`, ending at `nowMs`: only actions the
 * reviewer may see (rights and assignees) count.
 */
export async function statsReport(
  service: ActionService,
  gate: ReviewerGate,
  reviewer: ReviewerIdentity,
  range: StatsRange,
  nowMs: number,
): Promise<StatsReport> {
  const query = statsQueryOf(range, nowMs);
  const { binMs } = query;
  const canSee = (record: StoredRecord) => gate.canSee(reviewer.name, record);
  // In turn: `stats` times out overdue actions first, so none is listed as waiting.
  const all = await service.stats(query);
  const slowest = await slowestPending(service, canSee, nowMs);
  const groups = all.filter((g) => canSee(groupRecord(g)));
  const bins = binCount(query);
  const binStart = (i: number) => isoTime(query.sinceMs + i * binMs);
  return {
    range,
    since: isoTime(query.sinceMs),
    until: isoTime(nowMs),
    bin_seconds: binMs / 1000,
    backlog: backlog(groups, bins).map((pending, i) => ({
      at: isoTime(Math.min(query.sinceMs + (i + 1) * binMs, nowMs)),
      pending,
    })),
    outcomes: outcomesPerTool(groups, bins, binStart),
    decision_time: {
      overall: summary(null, groups),
      by_tool: perKey(groups, (g) => g.tool).map(([key, gs]) => summary(key, gs)),
      by_agent: perKey(groups, (g) => g.agentId).map(([key, gs]) => summary(key, gs)),
    },
    slowest_pending: slowest,
    escalations: escalations(groups, bins, binStart),
  };
}

/**
 * The store query of `range` ending at `nowMs`. Bins are whole UTC hours, 6-hour blocks
 * (00:00, 06:00, 12:00, 18:00) or days: the range starts at the start of the bin holding
 * `nowMs - span`, so it covers the span and the part of a bin before it, and its last bin
 * (the current one) ends just after `nowMs`, so an action filed or decided at `nowMs` counts. Aligned bins read the same on every
 * call within a bin, and whole days are what the SQLite store keeps pre-counted.
 */
export function statsQueryOf(range: StatsRange, nowMs: number): StatsQuery {
  const { spanMs, binMs } = STATS_RANGES[range];
  // `untilMs` is exclusive: one millisecond past now, so what happened at `nowMs` counts.
  return { sinceMs: Math.floor((nowMs - spanMs) / binMs) * binMs, untilMs: nowMs + 1, binMs };
}

/** Element-wise sum of `pick(group)` over the groups. */
function sumOf(groups: GroupStats[], length: number, pick: (g: GroupStats) => number[]): number[] {
  const out = new Array<number>(length).fill(0);
  for (const g of groups) {
    pick(g).forEach((n, i) => {
      out[i] = (out[i] ?? 0) + n;
    });
  }
  return out;
}

/** Pending at the end of each bin: pending at the start + filed - ended so far. */
function backlog(groups: GroupStats[], bins: number): number[] {
  let pending = groups.reduce((n, g) => n + g.pendingAtStart, 0);
  const filed = sumOf(groups, bins, (g) => g.filed);
  const ended = FINAL_STATUSES.map((s) => sumOf(groups, bins, (g) => g.ended[s]));
  return filed.map((f, i) => {
    pending += f - ended.reduce((n, counts) => n + (counts[i] ?? 0), 0);
    return pending;
  });
}

/** Groups by `key`, sorted by key with `null` last. */
function perKey(
  groups: GroupStats[],
  key: (g: GroupStats) => string | null,
): [string | null, GroupStats[]][] {
  const map = new Map<string | null, GroupStats[]>();
  for (const g of groups) map.set(key(g), [...(map.get(key(g)) ?? []), g]);
  return [...map.entries()].sort(([a], [b]) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1,
  );
}

const zeroCounts = (): OutcomeCounts =>
  Object.fromEntries(FINAL_STATUSES.map((s) => [s, 0])) as OutcomeCounts;

function outcomesPerTool(
  groups: GroupStats[],
  bins: number,
  binStart: (i: number) => string,
): StatsReport["outcomes"] {
  return perKey(groups, (g) => g.tool)
    .map(([tool, gs]) => {
      const total = zeroCounts();
      const perBin = Array.from({ length: bins }, (_, i) => ({
        start: binStart(i),
        ...zeroCounts(),
      }));
      for (const status of FINAL_STATUSES) {
        sumOf(gs, bins, (g) => g.ended[status]).forEach((n, i) => {
          total[status] += n;
          (perBin[i] as OutcomeCounts)[status] += n;
        });
      }
      return { tool, total, bins: perBin };
    })
    .filter((o) => FINAL_STATUSES.some((s) => o.total[s] > 0));
}

/** The decision-time summary of some groups (estimated quantiles, see the module TSDoc). */
function summary(key: string | null, groups: GroupStats[]): DecisionTimeSummary {
  const counts = sumOf(groups, DECISION_TIME_BUCKETS.length + 1, (g) => g.decisionTimes);
  const longest = groups.reduce((n, g) => Math.max(n, g.longestDecisionMs), 0) / 1000;
  const count = counts.reduce((a, b) => a + b, 0);
  return {
    key,
    count,
    median_seconds: estimateQuantile(counts, longest, 0.5),
    p90_seconds: estimateQuantile(counts, longest, 0.9),
    buckets: counts.map((n, i) => ({ up_to_seconds: DECISION_TIME_BUCKETS[i] ?? null, count: n })),
  };
}

/**
 * The `q` quantile (seconds) of a histogram over {@link DECISION_TIME_BUCKETS}, interpolated
 * linearly inside its bucket; the open bucket ends at `longest`; `null` when empty.
 */
export function estimateQuantile(counts: number[], longest: number, q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const upper = Math.min(DECISION_TIME_BUCKETS[i] ?? longest, longest);
      const lower = Math.min(DECISION_TIME_BUCKETS[i - 1] ?? 0, upper);
      return Math.round((lower + ((upper - lower) * (rank - below)) / n) * 1000) / 1000;
    }
    below += n;
  }
  return longest;
}

function escalations(
  groups: GroupStats[],
  bins: number,
  binStart: (i: number) => string,
): StatsReport["escalations"] {
  const counts = sumOf(groups, bins, (g) => g.escalations);
  return {
    total: counts.reduce((a, b) => a + b, 0),
    bins: counts.map((count, i) => ({ start: binStart(i), count })),
  };
}

/**
 * The longest-waiting pending actions `canSee` passes, oldest first: pages of the store's
 * oldest pending, filtered, until {@link SLOWEST_PENDING} are found or
 * {@link OLDEST_SCAN_BUDGET} were read.
 */
async function slowestPending(
  service: ActionService,
  canSee: (record: StoredRecord) => boolean,
  nowMs: number,
): Promise<SlowPendingAction[]> {
  const found: SlowPendingAction[] = [];
  let after: { createdMs: number; id: string } | undefined;
  for (let read = 0; read < OLDEST_SCAN_BUDGET && found.length < SLOWEST_PENDING; ) {
    const page = await service.oldestPending({ limit: OLDEST_PAGE, ...(after ? { after } : {}) });
    read += OLDEST_PAGE;
    for (const { record } of page) {
      if (found.length < SLOWEST_PENDING && canSee(record)) found.push(slowAction(record, nowMs));
    }
    const last = page[page.length - 1]?.record;
    if (!last || page.length < OLDEST_PAGE) break;
    after = { createdMs: Date.parse(last.created_at), id: last.id };
  }
  return found;
}

function slowAction(record: StoredRecord, nowMs: number): SlowPendingAction {
  return {
    id: record.id,
    agent_id: record.agent_id,
    tool: record.action?.name ?? null,
    title: record.title,
    created_at: record.created_at,
    waiting_seconds: Math.max(0, Math.floor((nowMs - Date.parse(record.created_at)) / 1000)),
    escalations: record.escalations?.length ?? 0,
  };
}
