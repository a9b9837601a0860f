/**
 * @module inbox/agent-timeout-report
 * An agent's report that it gave up waiting on its own deadline (it could not reach the
 * inbox) and so did not act on whatever the inbox recorded (PROTOCOL.md, extensions:
 * `POST /actions/{id}/agent-timeout`). Recorded once on the agent's own terminal action, with
 * an `agent_timeout` audit entry; the same report again answers the record unchanged.
 */
import type { ActionStore, StoredAction } from "../store/action-store.js";
import { InboxError } from "./inbox-error.js";

/** What {@link reportAgentTimeout} needs of the inbox. */
export interface AgentTimeoutDeps {
  store: ActionStore;
  /** Reads the action, timing it out first if its deadline has passed. */
  get: (id: string) => Promise<StoredAction | undefined>;
  now: () => number;
}

/**
 * Records that `agentId` timed out locally at `timedOutAt` on action `id`. Refusals:
 * `not_found` (unknown, or another agent's), `still_pending` (nothing decided yet: the
 * agent cancels instead), `conflict` (another time was reported first).
 */
export async function reportAgentTimeout(
  deps: AgentTimeoutDeps,
  id: string,
  agentId: string,
  timedOutAt: string,
): Promise<StoredAction> {
  const current = await deps.get(id);
  if (!current || current.record.agent_id !== agentId) {
    throw new InboxError("not_found", `No action ${id}`);
  }
  const result = await deps.store.recordAgentTimeout({
    id,
    agentId,
    timedOutAt: new Date(timedOutAt).toISOString(),
    at: new Date(deps.now()).toISOString(),
  });
  if (result.ok) return result.action;
  if (result.reason === "not_found") throw new InboxError("not_found", `No action ${id}`);
  if (result.reason === "still_pending") {
    throw new InboxError(
      "still_pending",
      `Action ${id} is still pending, so there is no decision the agent did not act on; cancel it (POST /actions/${id}/cancel) if the agent no longer waits`,
    );
  }
  const reported = result.action?.record.agent_timeout;
  throw new InboxError(
    "conflict",
    `A local timeout at ${reported?.timed_out_at} was already reported for action ${id}; the first report is kept`,
    { agent_timeout: reported ?? null },
  );
}
