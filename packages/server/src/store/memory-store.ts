/**
 * @module store/memory-store
 * An {@link ActionStore} in process memory, for tests and throwaway inboxes. Each method
 * runs without awaiting in the middle, so it is atomic within the process.
 */

import { checkStatsQuery } from "./action-stats.js";
import type {
  ActionStore,
  AuditEntry,
  CreateResult,
  DecisionsQuery,
  ListPage,
  ListQuery,
  NewAction,
  PendingCount,
  StoredAction,
  TransitionInput,
  TransitionResult,
  UpdateInput,
} from "./action-store.js";
import { agentTimeoutStep } from "./agent-timeout.js";
import { decodeListCursor, encodeListCursor } from "./list-cursor.js";
import { type MemoryRow, memoryCallbackState } from "./memory-callbacks.js";
import { createMemoryReviewerState } from "./memory-reviewer-state.js";
import { memoryOldestPending, memoryStats } from "./memory-stats.js";
import { nextEscalationMs } from "./next-escalation.js";
import { createMemorySlackMessages } from "./slack-message-store.js";

const clone = <T>(value: T): T => structuredClone(value);

/** Creates an in-memory {@link ActionStore}. State is lost when the process ends. */
export function createMemoryStore(): ActionStore {
  const rows = new Map<string, MemoryRow>();
  const audit: AuditEntry[] = [];
  let rowSeq = 0;
  let decisionSeq = 0;
  /** Pending actions per agent (kept with every create and transition). */
  const pendingCount = new Map<string, number>();
  const pendingOf = (agentId: string) => pendingCount.get(agentId) ?? 0;

  const appendAudit = (entry: Omit<AuditEntry, "seq">) => {
    audit.push({ seq: audit.length + 1, ...entry });
  };

  const slackMessages = createMemorySlackMessages();

  return {
    reviewerState: createMemoryReviewerState(),
    async init() {},
    slackMessages: () => slackMessages,

    async create(input: NewAction): Promise<CreateResult> {
      const existing = rows.get(input.record.id);
      if (existing) return { created: false, action: clone(existing.action) };
      const agent = input.record.agent_id;
      if (input.maxPending !== undefined && pendingOf(agent) >= input.maxPending) {
        return { created: false, refused: "too_many_pending" };
      }
      const action: StoredAction = {
        record: clone(input.record),
        requestHash: input.requestHash,
        callbackUrl: input.callbackUrl,
        decisionSeq: null,
        revision: 0,
      };
      rows.set(action.record.id, { seq: ++rowSeq, action });
      pendingCount.set(agent, pendingOf(agent) + 1);
      appendAudit({
        actionId: action.record.id,
        fromStatus: null,
        toStatus: "pending",
        actor: input.actor,
        at: input.at,
      });
      return { created: true, action: clone(action) };
    },

    async get(id) {
      const row = rows.get(id);
      return row ? clone(row.action) : undefined;
    },

    async list(query: ListQuery): Promise<ListPage> {
      const before = decodeListCursor(query.cursor);
      const matching = [...rows.values()]
        .filter((r) => (before === null || r.seq < before) && matches(r.action, query))
        .sort((a, b) => b.seq - a.seq);
      const page = matching.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor = matching.length > query.limit && last ? encodeListCursor(last.seq) : null;
      return { actions: page.map((r) => clone(r.action)), nextCursor };
    },

    async pendingCounts() {
      const counts = new Map<string, PendingCount>();
      for (const { record } of pending(rows)) {
        const tool = record.action?.name ?? null;
        const assignees = record.assignees ?? null;
        const key = JSON.stringify([record.agent_id, tool, record.severity, assignees]);
        const entry = counts.get(key);
        if (entry) entry.count += 1;
        else
          counts.set(key, {
            agentId: record.agent_id,
            tool,
            severity: record.severity,
            ...(assignees ? { assignees: [...assignees] } : {}),
            count: 1,
          });
      }
      return [...counts.values()];
    },

    async stats(query) {
      checkStatsQuery(query);
      return memoryStats(
        [...rows.values()].map((r) => r.action.record),
        query,
      );
    },

    async oldestPending(query) {
      const actions = [...rows.values()].map((r) => r.action);
      return memoryOldestPending(actions, query).map(clone);
    },

    ...memoryCallbackState(rows),

    async recordAgentTimeout(input) {
      const row = rows.get(input.id);
      const step = agentTimeoutStep(row && clone(row.action), input);
      if ("answer" in step) return step.answer;
      if (!row) throw new Error("unreachable: a record without its row");
      row.action.record = step.record;
      appendAudit({
        actionId: input.id,
        fromStatus: step.record.status,
        toStatus: step.record.status,
        actor: `agent:${input.agentId}`,
        at: input.at,
        event: "agent_timeout",
      });
      return { ok: true, recorded: true, action: clone(row.action) };
    },

    async transition(input: TransitionInput): Promise<TransitionResult> {
      const row = rows.get(input.id);
      const refusal = refuse(row, input);
      if (refusal || !row) return refusal ?? { ok: false, reason: "not_found" };
      const { action } = row;
      if (input.revision !== undefined && input.record) action.record = clone(input.record);
      action.record.status = input.status;
      action.record.decision = clone(input.decision);
      action.decisionSeq = ++decisionSeq;
      pendingCount.set(action.record.agent_id, pendingOf(action.record.agent_id) - 1);
      if (action.callbackUrl !== null) row.callback = "pending";
      appendAudit({
        actionId: input.id,
        fromStatus: "pending",
        toStatus: input.status,
        actor: input.actor,
        at: input.at,
      });
      return { ok: true, action: clone(action) };
    },

    async update(input: UpdateInput): Promise<TransitionResult> {
      const row = rows.get(input.id);
      const refusal = refuse(row, input);
      if (refusal || !row) return refusal ?? { ok: false, reason: "not_found" };
      row.action.record = { ...clone(input.record), status: "pending", decision: null };
      row.action.revision += 1;
      appendAudit({
        actionId: input.id,
        fromStatus: "pending",
        toStatus: "pending",
        actor: input.actor,
        at: input.at,
      });
      return { ok: true, action: clone(row.action) };
    },

    async dueForEscalation(nowMs, limit) {
      return pending(rows)
        .map((a) => ({ id: a.record.id, at: nextEscalationMs(a.record) }))
        .filter((e): e is { id: string; at: number } => e.at !== null && e.at <= nowMs)
        .sort((a, b) => a.at - b.at)
        .slice(0, limit)
        .map((e) => e.id);
    },

    async nextEscalation() {
      let next: number | null = null;
      for (const a of pending(rows)) {
        const at = nextEscalationMs(a.record);
        if (at !== null && (next === null || at < next)) next = at;
      }
      return next;
    },

    async decisionsSince(query: DecisionsQuery) {
      return [...rows.values()]
        .map((r) => r.action)
        .filter(
          (a) =>
            a.record.agent_id === query.agentId &&
            a.decisionSeq !== null &&
            a.decisionSeq > query.after,
        )
        .sort((a, b) => (a.decisionSeq ?? 0) - (b.decisionSeq ?? 0))
        .slice(0, query.limit)
        .map(clone);
    },

    async latestDecisionSeq(agentId) {
      let latest = 0;
      for (const { action } of rows.values()) {
        if (action.record.agent_id === agentId && (action.decisionSeq ?? 0) > latest)
          latest = action.decisionSeq ?? 0;
      }
      return latest;
    },

    async dueForExpiry(nowMs, limit) {
      return pending(rows)
        .filter((a) => Date.parse(a.record.expires_at) <= nowMs)
        .sort((a, b) => Date.parse(a.record.expires_at) - Date.parse(b.record.expires_at))
        .slice(0, limit)
        .map((a) => a.record.id);
    },

    async nextExpiry() {
      let next: number | null = null;
      for (const a of pending(rows)) {
        const at = Date.parse(a.record.expires_at);
        if (next === null || at < next) next = at;
      }
      return next;
    },

    async auditLog(actionId) {
      return audit.filter((e) => e.actionId === actionId).map(clone);
    },

    async close() {},
  };
}

/** Why a change of `row` cannot apply (not found, not pending, expired, stale), if it cannot. */
function refuse(
  row: MemoryRow | undefined,
  input: { notExpiredAt?: number; revision?: number },
): TransitionResult | undefined {
  if (!row) return { ok: false, reason: "not_found" };
  const { action } = row;
  if (action.record.status !== "pending") {
    return { ok: false, reason: "not_pending", action: clone(action) };
  }
  if (
    input.notExpiredAt !== undefined &&
    Date.parse(action.record.expires_at) <= input.notExpiredAt
  ) {
    return { ok: false, reason: "expired", action: clone(action) };
  }
  if (input.revision !== undefined && input.revision !== action.revision) {
    return { ok: false, reason: "stale", action: clone(action) };
  }
  return undefined;
}

function matches(action: StoredAction, query: ListQuery): boolean {
  const { status } = action.record;
  if (query.status === "decided") {
    if (status === "pending") return false;
  } else if (query.status !== undefined && status !== query.status) return false;
  if (query.agentId !== undefined && action.record.agent_id !== query.agentId) return false;
  return true;
}

function pending(rows: Map<string, MemoryRow>): StoredAction[] {
  return [...rows.values()].map((r) => r.action).filter((a) => a.record.status === "pending");
}
