/**
 * @module auth/group-record
 * A stand-in record of an {@link ActionGroup}, for the rights check of grouped numbers
 * (pending counts, analytics): rights and assignee eligibility read only an action's agent,
 * tool, severity and assignees, so `gate.canSee(reviewer, groupRecord(group))` answers for
 * every action of the group at once.
 */
import type { ActionGroup, StoredRecord } from "../store/action-store.js";

/** A record with the group's agent, tool, severity and assignees, for `ReviewerGate.canSee`. */
export function groupRecord(group: ActionGroup): StoredRecord {
  return {
    agent_id: group.agentId,
    severity: group.severity,
    status: "pending",
    action: group.tool === null ? null : { name: group.tool, args: {} },
    assignees: group.assignees ?? null,
  } as StoredRecord;
}
