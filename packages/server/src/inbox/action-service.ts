/**
 * @module inbox/action-service
 * The inbox's operations, independent of HTTP, and the only door from the HTTP API, the web
 * UI, email and Slack to the store: file a request (idempotently), read, list, read
 * decisions since a cursor, decide, cancel and expire. Reads time out what is due first.
 * Each state change is one store transition; afterwards waiters are woken, listeners told
 * and the callback sent.
 */
import {
  type Clock,
  hashArgs,
  type JsonObject,
  type protocol,
  type TerminalStatus,
} from "@safeguards/core";
import { assertDecisionAllowed, statusForDecision } from "@safeguards/core/internal";
import type {
  ActionStore,
  AuditEntry,
  DecisionsQuery,
  ListPage,
  ListQuery,
  PendingCount,
  StoredAction,
  StoredRecord,
} from "../store/action-store.js";
import type { CallbackUrlCheck } from "./callback-allowlist.js";
import type { CallbackSender } from "./callback-sender.js";
import type { DecisionNotifier } from "./decision-notifier.js";
import { InboxError } from "./inbox-error.js";
import type { InboxEvents } from "./inbox-events.js";
import { traceTransition } from "./inbox-telemetry.js";
import { applyModification } from "./modification.js";
import {
  checkNewRequest,
  idempotentRetry,
  pendingRecordOf,
  tooManyPending,
} from "./request-checks.js";

/** Audit actor of expiries. */
export const EXPIRY_ACTOR = "system:expiry";

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
  /** Told about each new pending action's deadline (ms), so expiry can be scheduled. */
  onPending?: (expiresAtMs: number) => void;
  /** Most pending actions per agent; a filing over it is 429 `too_many_pending`. */
  maxPendingPerAgent?: number;
}

/** Result of {@link ActionService.submit}. */
export interface SubmitResult {
  /** `false` for an idempotent retry of an existing request. */
  created: boolean;
  action: StoredAction;
}

/**
 * Checks the action a decision is about, after it is read and before anything else (e.g. a
 * reviewer's rights); throws to refuse. The decision reads the action once, for both.
 */
export type DecisionGuard = (action: StoredAction) => void;

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
  /** Times out a pending action (no-op when it is already terminal). */
  expire(id: string): Promise<void>;
}

const iso = (value: string | number) => new Date(value).toISOString();

/** Creates the {@link ActionService}. */
export function createActionService(options: ActionServiceOptions): ActionService {
  const { store, clock } = options;
  const requestChecks = {
    clock,
    canSignCallbacks: options.callbacks !== undefined,
    ...(options.checkCallbackUrl ? { checkCallbackUrl: options.checkCallbackUrl } : {}),
  };

  const announce = (action: StoredAction, actor: string) => {
    if (action.decisionSeq !== null) {
      void Promise.resolve(
        options.notifier.publish({
          agentId: action.record.agent_id,
          actionId: action.record.id,
          decisionSeq: action.decisionSeq,
        }),
      ).catch(() => {});
    }
    const listened = options.events.has("action.decided");
    const callback = action.callbackUrl && options.callbacks;
    if (!listened && !callback) return;
    const wire = options.toWire(action.record);
    if (listened) options.events.emit({ type: "action.decided", action: wire, actor });
    if (action.callbackUrl && options.callbacks)
      options.callbacks.deliver(action.callbackUrl, wire);
  };

  const transition = async (
    id: string,
    status: TerminalStatus,
    decision: NonNullable<StoredRecord["decision"]>,
    actor: string,
    guardExpiry: boolean,
    pending?: StoredRecord,
  ) => {
    const now = clock.now();
    const startedAt = Date.now();
    const result = await store.transition({
      id,
      status,
      decision,
      actor,
      at: iso(now),
      ...(guardExpiry ? { notExpiredAt: now } : {}),
      ...(pending ? { record: { ...pending, status, decision } } : {}),
    });
    if (result.ok) traceTransition(result.action, startedAt, () => announce(result.action, actor));
    return result;
  };

  /** The decision of an expiry or a cancellation (no reviewer, no data). */
  const systemDecision = (type: "timeout" | "cancel") => ({
    type,
    response_data: null,
    comments: null,
    reviewer: null,
    decided_at: iso(clock.now()),
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
    async list(query) {
      await expireDue();
      return store.list(query);
    },
    async pendingCounts() {
      await expireDue();
      return store.pendingCounts();
    },
    decisionsSince: (query) => store.decisionsSince(query),
    latestDecisionSeq: (agentId) => store.latestDecisionSeq(agentId),
    auditLog: (id) => store.auditLog(id),

    async submit(agentId, body, filing) {
      if (body.agent_id !== agentId) {
        throw new InboxError("forbidden", `This API key acts for agent "${agentId}" only`);
      }
      const requestHash = hashArgs(body);
      // No read first: the insert finds an existing id. A retry that no longer passes the
      // checks below (e.g. its expires_at has passed) still gets its stored record.
      try {
        await checkNewRequest(body, requestChecks);
      } catch (error) {
        const existing = await get(body.id);
        if (existing) return idempotentRetry(existing, requestHash);
        throw error;
      }
      const record = pendingRecordOf(body, clock.now());
      if (filing?.traceparent) record.traceparent = filing.traceparent;
      const input = {
        record,
        requestHash,
        callbackUrl: body.callback_url ?? null,
        actor: `agent:${agentId}`,
        at: iso(clock.now()),
        ...(options.maxPendingPerAgent ? { maxPending: options.maxPendingPerAgent } : {}),
      };
      let result = await store.create(input);
      // Overdue actions the sweeper has not reached yet still count: time them out, try again.
      if (result.refused && (await expireDue()) > 0) result = await store.create(input);
      if (result.refused) throw tooManyPending(agentId, options.maxPendingPerAgent);
      if (!result.created) {
        return idempotentRetry((await get(body.id)) ?? result.action, requestHash);
      }
      if (options.events.has("action.created")) {
        options.events.emit({
          type: "action.created",
          action: options.toWire(result.action.record),
        });
      }
      options.onPending?.(Date.parse(record.expires_at));
      return result;
    },

    async decide(id, reviewer, body, guard) {
      const action = await store.get(id);
      if (!action) throw new InboxError("not_found", `No action ${id}`);
      guard?.(action);
      if (action.record.status !== "pending" || isDue(action)) return refuseSettled(action);
      const { record } = action;
      try {
        assertDecisionAllowed(record.allowed_decisions, body.type, `action ${id}`);
      } catch (error) {
        throw new InboxError("decision_not_allowed", (error as Error).message, {
          allowed_decisions: record.allowed_decisions,
        });
      }
      if (body.type !== "modify" && body.response_data && Object.keys(body.response_data).length) {
        throw new InboxError("invalid_request", "response_data is only allowed with type modify");
      }
      if (body.type === "modify") await applyModification(record, body.response_data as JsonObject);
      const decision = {
        type: body.type,
        response_data: body.type === "modify" ? (body.response_data ?? null) : null,
        comments: body.comments ?? null,
        reviewer,
        decided_at: iso(clock.now()),
      };
      const actor = `reviewer:${reviewer}`;
      const status = statusForDecision(body.type);
      const result = await transition(id, status, decision, actor, true, record);
      if (result.ok) return result.action;
      return refuseSettled(result.action ?? action);
    },

    async cancel(id, agentId) {
      const action = await store.get(id);
      if (!action || action.record.agent_id !== agentId) {
        throw new InboxError("not_found", `No action ${id}`);
      }
      if (action.record.status !== "pending" || isDue(action)) return refuseSettled(action);
      const actor = `agent:${agentId}`;
      const decision = systemDecision("cancel");
      const result = await transition(id, "cancelled", decision, actor, true, action.record);
      if (result.ok) return result.action;
      return refuseSettled(result.action ?? action);
    },
  };
}
