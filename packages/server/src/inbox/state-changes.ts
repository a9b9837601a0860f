/**
 * @module inbox/state-changes
 * The two ways the action service changes a stored action, and what follows each: a
 * terminal transition (then waiters are woken, `action.decided` emitted and the callback
 * sent) and a change of a pending record (an approval or modification recorded, an
 * escalation step applied; then `action.updated` is emitted and the other instances are
 * told through the notifier's `publishUpdated`, fire-and-forget). Both are conditional store
 * changes; a refusal is answered, not thrown.
 */
import type { Clock, protocol, TerminalStatus } from "@safeguards/core";
import type {
  ActionStore,
  StoredAction,
  StoredRecord,
  TransitionResult,
} from "../store/action-store.js";
import { isoTime } from "../util/iso-time.js";
import type { CallbackSender } from "./callback-sender.js";
import type { DecisionNotifier } from "./decision-notifier.js";
import type { InboxEvents } from "./inbox-events.js";
import { traceTransition } from "./inbox-telemetry.js";
import type { StoredDecision } from "./quorum-decision.js";

/** What {@link createStateChanges} needs. */
export interface StateChangeDeps {
  store: ActionStore;
  clock: Clock;
  notifier: DecisionNotifier;
  events: InboxEvents;
  callbacks?: CallbackSender;
  toWire: (record: StoredRecord) => protocol.ActionRecord;
}

/** The action service's store changes. */
export interface StateChanges {
  /**
   * A terminal transition; `guardExpiry`: only while not expired; with `read` (the pending
   * action as read), it writes that record and is pinned to its revision.
   */
  transition(
    id: string,
    status: TerminalStatus,
    decision: StoredDecision,
    actor: string,
    guardExpiry: boolean,
    read?: { record: StoredRecord; revision: number },
  ): Promise<TransitionResult>;
  /** A change of a pending record, conditional on `revision` and on not being expired. */
  updatePending(
    id: string,
    record: StoredRecord,
    revision: number,
    actor: string,
  ): Promise<TransitionResult>;
}

/** Creates the {@link StateChanges} over the store. */
export function createStateChanges(deps: StateChangeDeps): StateChanges {
  const { store, clock } = deps;
  const announce = (action: StoredAction, actor: string) => {
    if (action.decisionSeq !== null) {
      void Promise.resolve(
        deps.notifier.publish({
          agentId: action.record.agent_id,
          actionId: action.record.id,
          decisionSeq: action.decisionSeq,
        }),
      ).catch(() => {});
    }
    const listened = deps.events.has("action.decided");
    const callback = action.callbackUrl && deps.callbacks;
    if (!listened && !callback) return;
    const wire = deps.toWire(action.record);
    if (listened) deps.events.emit({ type: "action.decided", action: wire, actor });
    if (action.callbackUrl && deps.callbacks) deps.callbacks.deliver(action.callbackUrl, wire);
  };

  /** A terminal transition; with `read` (the pending action read), pinned to its revision. */
  const transition: StateChanges["transition"] = async (
    id: string,
    status: TerminalStatus,
    decision: StoredDecision,
    actor: string,
    guardExpiry: boolean,
    read?: { record: StoredRecord; revision: number },
  ) => {
    const now = clock.now();
    const startedAt = Date.now();
    const result = await store.transition({
      id,
      status,
      decision,
      actor,
      at: isoTime(now),
      ...(guardExpiry ? { notExpiredAt: now } : {}),
      ...(read ? { record: { ...read.record, status, decision }, revision: read.revision } : {}),
    });
    if (result.ok) traceTransition(result.action, startedAt, () => announce(result.action, actor));
    return result;
  };

  const updatePending: StateChanges["updatePending"] = async (id, record, revision, actor) => {
    const now = clock.now();
    const result = await store.update({
      id,
      record,
      revision,
      actor,
      at: isoTime(now),
      notExpiredAt: now,
    });
    if (!result.ok) return result;
    // Other instances' live views hear of it too (a notifier linking instances only).
    void Promise.resolve(
      deps.notifier.publishUpdated?.({ agentId: result.action.record.agent_id, actionId: id }),
    ).catch(() => {});
    if (deps.events.has("action.updated")) {
      deps.events.emit({
        type: "action.updated",
        action: deps.toWire(result.action.record),
        actor,
      });
    }
    return result;
  };

  return { transition, updatePending };
}
