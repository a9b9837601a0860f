/**
 * @module inbox/action-service
 * The inbox's operations, independent of HTTP, and the only door from the HTTP API, the web
 * UI, email and Slack to the store: file a request (idempotently), read, list, read
 * decisions since a cursor, decide, cancel and expire (filing in `submit-action.ts`). Reads
 * time out what is due first.
 * Each state change is one store transition; afterwards waiters are woken, listeners told
 * and the callback sent.
 */
import type { Clock, protocol } from "@safeguards/core";
import type { GroupStats, StatsQuery } from "../store/action-stats.js";
import type {
  ActionStore,
  AuditEntry,
  DecisionsQuery,
  ListPage,
  ListQuery,
  OldestPendingQuery,
  PendingCount,
  StoredAction,
  StoredRecord,
  TransitionResult,
} from "../store/action-store.js";
import { isoTime } from "../util/iso-time.js";
import { reportAgentTimeout } from "./agent-timeout-report.js";
import type { CallbackUrlCheck } from "./callback-allowlist.js";
import type { CallbackSender } from "./callback-sender.js";
import type { DecisionNotifier } from "./decision-notifier.js";
import { InboxError } from "./inbox-error.js";
import type { InboxEvents } from "./inbox-events.js";
import { planDecision } from "./quorum-decision.js";
import { createStateChanges } from "./state-changes.js";
import { createSubmit, type SubmitResult } from "./submit-action.js";

export type { SubmitResult } from "./submit-action.js";

/** Audit actor of expiries. */
export const EXPIRY_ACTOR = "system:expiry";

/** How often a decision is planned again when a concurrent change made it stale. */
const MAX_STALE_RETRIES = 8;

/** Dependencies of {@link createActionService}. */
export interface ActionServiceOptions {
  store: ActionStore;
  clock: Clock;
  notifier: DecisionNotifier;
  events: InboxEvents;
  /** Absent when the inbox has no signing secret (then `callback_url` is refused). */
  callbacks?: CallbackSender;
  /** Vets `callback_url` (allowlist, no credentials); a refusal is 422 `callback_url_not_allowed`. */
  checkCallbackUrl?: CallbackUrlCheck;
  /** Turns a stored record into the wire record sent in events and callbacks. */
  toWire: (record: StoredRecord) => protocol.ActionRecord;
  /**
   * Told about each new pending action's deadline and first escalation step (ms), so the
   * sweeper can wake up in time.
   */
  onPending?: (expiresAtMs: number) => void;
  /** Most pending actions per agent; a filing over it is 429 `too_many_pending`. */
  maxPendingPerAgent?: number;
  /** Refuses a filing whose quorum the inbox's reviewers cannot reach (422 `quorum_unreachable`). */
  checkQuorum?: (record: StoredRecord) => void;
}

/**
 * Checks the action a decision is about, after it is read and before anything else (e.g. a
 * reviewer's rights); throws to refuse. The decision reads the action once, for both.
 */
export type DecisionGuard = (action: StoredAction) => void | Promise<void>;

/** Most overdue actions timed out before one list page is read. */
const EXPIRE_BEFORE_LIST = 1000;

/** The inbox's operations. Refusals throw {@link InboxError}. */
export interface ActionService {
  /** Files a request; `filing.traceparent` (W3C) is kept with a new action for tracing. */
  submit(
    agentId: string,
    body: protocol.ApprovalRequestBody,
    filing?: { traceparent?: string | undefined },
  ): Promise<SubmitResult>;
  /** The action, timed out first if its deadline has passed. */
  get(id: string): Promise<StoredAction | undefined>;
  /** A page of actions, newest first; overdue actions are timed out first, so none shows as pending. */
  list(query: ListQuery): Promise<ListPage>;
  /** Pending actions per agent, tool and severity; overdue ones are timed out first. */
  pendingCounts(): Promise<PendingCount[]>;
  /** The store's analytics numbers per group (`ActionStore.stats`); overdue ones are timed out first. */
  stats(query: StatsQuery): Promise<GroupStats[]>;
  /** Pending actions, longest-waiting first, one page (`ActionStore.oldestPending`). */
  oldestPending(query: OldestPendingQuery): Promise<StoredAction[]>;
  /** One agent's decisions after a cursor (the store's decision sequence), oldest first. */
  decisionsSince(query: DecisionsQuery): Promise<StoredAction[]>;
  /** The agent's latest decision sequence (0 when none): the `since=now` cursor. */
  latestDecisionSeq(agentId: string): Promise<number>;
  /** The audit trail of one action, oldest first. */
  auditLog(id: string): Promise<AuditEntry[]>;
  /** Decides a pending action, reading it once; `guard` may refuse after that read. */
  decide(
    id: string,
    reviewer: string,
    body: protocol.DecisionBody,
    guard?: DecisionGuard,
  ): Promise<StoredAction>;
  cancel(id: string, agentId: string): Promise<StoredAction>;
  /** Records that the agent timed out locally on its own decided action (see `agent-timeout-report`). */
  reportAgentTimeout(id: string, agentId: string, timedOutAt: string): Promise<StoredAction>;
  /** Times out a pending action (no-op when it is already terminal). */
  expire(id: string): Promise<void>;
  /**
   * Changes a pending action's record (conditional on `revision`, see `ActionStore.update`)
   * and emits `action.updated`; escalation steps use it too.
   */
  updatePending(
    id: string,
    record: StoredRecord,
    revision: number,
    actor: string,
  ): Promise<TransitionResult>;
}

/** Creates the {@link ActionService}. */
export function createActionService(options: ActionServiceOptions): ActionService {
  const { store, clock } = options;
  const { transition, updatePending } = createStateChanges(options);

  /** The decision of an expiry or a cancellation (no reviewer, no data). */
  const systemDecision = (type: "timeout" | "cancel") => ({
    type,
    response_data: null,
    comments: null,
    reviewer: null,
    decided_at: isoTime(clock.now()),
  });

  const expire = async (id: string) => {
    await transition(id, "timed_out", systemDecision("timeout"), EXPIRY_ACTOR, false);
  };

  /** Throws the refusal for an action that is no longer pending (or whose time is up). */
  const refuseSettled = async (action: StoredAction): Promise<never> => {
    let current = action;
    if (current.record.status === "pending" && isDue(current)) {
      await expire(current.record.id);
      current = (await store.get(current.record.id)) ?? current;
    }
    const { status, decision } = current.record;
    if (status === "timed_out") {
      throw new InboxError("expired", `Action ${current.record.id} expired; nothing was decided`, {
        status,
        decision,
      });
    }
    throw new InboxError(
      "already_decided",
      `Action ${current.record.id} is already ${status}; the first decision wins`,
      { status, decision },
    );
  };

  const isDue = (action: StoredAction) =>
    action.record.status === "pending" && Date.parse(action.record.expires_at) <= clock.now();

  /** Times out overdue actions (at most {@link EXPIRE_BEFORE_LIST}); answers how many were due. */
  const expireDue = async () => {
    const due = await store.dueForExpiry(clock.now(), EXPIRE_BEFORE_LIST);
    for (const id of due) await expire(id);
    return due.length;
  };

  const get = async (id: string) => {
    const action = await store.get(id);
    if (action && isDue(action)) {
      await expire(id);
      return store.get(id);
    }
    return action;
  };

  return {
    get,
    expire,
    updatePending,
    async list(query) {
      await expireDue();
      return store.list(query);
    },
    async pendingCounts() {
      await expireDue();
      return store.pendingCounts();
    },
    async stats(query) {
      await expireDue();
      return store.stats(query);
    },
    oldestPending: (query) => store.oldestPending(query),
    decisionsSince: (query) => store.decisionsSince(query),
    latestDecisionSeq: (agentId) => store.latestDecisionSeq(agentId),
    auditLog: (id) => store.auditLog(id),

    submit: createSubmit(options, { get, expireDue }),

    async decide(id, reviewer, body, guard) {
      for (let attempt = 0; ; attempt++) {
        const action = await store.get(id);
        if (!action) throw new InboxError("not_found", `No action ${id}`);
        // Once: the guard may record something (an email link's use); rights never shrink
        // between attempts (escalation only adds assignees).
        if (attempt === 0) await guard?.(action);
        if (action.record.status !== "pending" || isDue(action)) return refuseSettled(action);
        const plan = await planDecision(action.record, reviewer, body, isoTime(clock.now()));
        const actor = `reviewer:${reviewer}`;
        const result =
          plan.kind === "settle"
            ? await transition(id, plan.status, plan.decision, actor, true, {
                record: plan.record,
                revision: action.revision,
              })
            : await updatePending(id, plan.record, action.revision, actor);
        if (result.ok) return result.action;
        if (result.reason !== "stale") return refuseSettled(result.action ?? action);
        // An approval, modification or escalation landed in between: plan again on it.
        if (attempt >= MAX_STALE_RETRIES) {
          throw new InboxError("conflict", `Action ${id} is changing fast; decide again`);
        }
      }
    },

    reportAgentTimeout: (id, agentId, timedOutAt) =>
      reportAgentTimeout({ store, get, now: () => clock.now() }, id, agentId, timedOutAt),

    async cancel(id, agentId) {
      const action = await store.get(id);
      if (!action || action.record.agent_id !== agentId) {
        throw new InboxError("not_found", `No action ${id}`);
      }
      if (action.record.status !== "pending" || isDue(action)) return refuseSettled(action);
      const actor = `agent:${agentId}`;
      const decision = systemDecision("cancel");
      // Not pinned to the revision read: an approval recorded meanwhile does not stop it.
      const result = await transition(id, "cancelled", decision, actor, true);
      if (result.ok) return result.action;
      return refuseSettled(result.action ?? action);
    },
  };
}
