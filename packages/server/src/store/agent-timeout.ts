/**
 * @module store/agent-timeout
 * The one rule every store applies to an agent's report that it timed out locally
 * (`recordAgentTimeout`): only the agent's own, terminal action; recorded once; the same
 * report again changes nothing, another time is a conflict. Stores write the record this
 * answers only while the stored action still has no `agent_timeout` (a conditional write),
 * and apply the rule again to what they read when that write did not apply.
 */
import type {
  AgentTimeoutInput,
  AgentTimeoutResult,
  StoredAction,
  StoredRecord,
} from "./action-store.js";

/** Either the answer (nothing to write) or the record to write. */
export type AgentTimeoutStep = { answer: AgentTimeoutResult } | { record: StoredRecord };

/** What a report does to `action` as read. */
export function agentTimeoutStep(
  action: StoredAction | undefined,
  input: AgentTimeoutInput,
): AgentTimeoutStep {
  if (!action || action.record.agent_id !== input.agentId) {
    return { answer: { ok: false, reason: "not_found" } };
  }
  if (action.record.status === "pending") {
    return { answer: { ok: false, reason: "still_pending", action } };
  }
  const reported = action.record.agent_timeout;
  if (reported) {
    return reported.timed_out_at === input.timedOutAt
      ? { answer: { ok: true, recorded: false, action } }
      : { answer: { ok: false, reason: "conflict", action } };
  }
  return {
    record: {
      ...action.record,
      agent_timeout: { timed_out_at: input.timedOutAt, reported_at: input.at },
    },
  };
}
