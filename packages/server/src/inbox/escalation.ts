/**
 * @module inbox/escalation
 * Applies an action's due escalation steps (PROTOCOL.md, "Assignees, quorum and
 * escalation"): adds each step's assignees, records the step in `escalations`, and emits
 * `action.escalated` per step. One conditional store change per call (compare-and-set on the
 * revision), so with several instances or a restart a step is applied exactly once: a
 * concurrent caller is refused `stale`, reads again and finds nothing left to apply.
 */
import type { Clock, protocol } from "@safeguards/core";
import { addAssignees, dueEscalationSteps } from "@safeguards/core/internal";
import type { ActionStore, StoredRecord, TransitionResult } from "../store/action-store.js";
import type { InboxEvents } from "./inbox-events.js";
import { withQuorumDefaults } from "./quorum-decision.js";

/** Audit actor of escalation steps. */
export const ESCALATION_ACTOR = "system:escalation";

/** What {@link createEscalator} needs. */
export interface EscalatorOptions {
  store: ActionStore;
  clock: Clock;
  events: InboxEvents;
  /** The action service's change of a pending record (conditional on the revision). */
  updatePending: (
    id: string,
    record: StoredRecord,
    revision: number,
    actor: string,
  ) => Promise<TransitionResult>;
  toWire: (record: StoredRecord) => protocol.ActionRecord;
}

/** How often one call reads again after a concurrent change. */
const MAX_ATTEMPTS = 8;

/**
 * Creates `escalate(id)`: applies the steps of the action that are due now (none when it is
 * no longer pending, expired, or has none due). Resolves to how many steps it applied.
 */
export function createEscalator(options: EscalatorOptions): (id: string) => Promise<number> {
  const { store, clock } = options;
  return async (id) => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const action = await store.get(id);
      if (action?.record.status !== "pending") return 0;
      const now = clock.now();
      if (Date.parse(action.record.expires_at) <= now) return 0; // expiry wins
      const record = withQuorumDefaults(action.record);
      const steps = record.escalation ?? [];
      const applied = record.escalations ?? [];
      const due = dueEscalationSteps(
        steps.map((s) => ({ afterSeconds: s.after_seconds })),
        applied.length,
        Date.parse(record.created_at),
        now,
      );
      if (due.length === 0) return 0;
      let assignees = record.assignees ?? null;
      const before: (string[] | null)[] = [];
      const added = due.map((index) => {
        const step = steps[index] as protocol.WireEscalationStep;
        before.push(assignees);
        assignees = addAssignees(assignees, step.assignees);
        return {
          step: index,
          after_seconds: step.after_seconds,
          assignees: [...step.assignees],
          escalated_at: new Date(now).toISOString(),
        };
      });
      const next = { ...record, assignees, escalations: [...applied, ...added] };
      const result = await options.updatePending(id, next, action.revision, ESCALATION_ACTOR);
      if (result.ok) {
        if (options.events.has("action.escalated")) {
          const wire = options.toWire(result.action.record);
          for (const [i, step] of added.entries()) {
            options.events.emit({
              type: "action.escalated",
              action: wire,
              step: step.step,
              assignees: step.assignees,
              previousAssignees: before[i] ?? null,
            });
          }
        }
        return added.length;
      }
      if (result.reason !== "stale") return 0;
    }
    return 0;
  };
}
