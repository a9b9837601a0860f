/**
 * @module inbox/submit-action
 * Filing a request in the inbox (`ActionService.submit`): the checks of a new request, an
 * idempotent retry answered with its stored action, the per-agent pending quota (overdue
 * actions timed out first), then `action.created`, the cross-instance notice and the
 * sweeper told when the new action is due.
 */
import { hashArgs, type protocol } from "@safeguards/core";
import type { StoredAction } from "../store/action-store.js";
import { nextEscalationMs } from "../store/next-escalation.js";
import { isoTime } from "../util/iso-time.js";
import type { ActionService, ActionServiceOptions } from "./action-service.js";
import { InboxError } from "./inbox-error.js";
import {
  checkNewRequest,
  idempotentRetry,
  pendingRecordOf,
  tooManyPending,
} from "./request-checks.js";

/** Result of {@link ActionService.submit}. */
export interface SubmitResult {
  /** `false` for an idempotent retry of an existing request. */
  created: boolean;
  action: StoredAction;
}

/** What filing needs from the rest of the service. */
export interface SubmitDeps {
  /** Reads an action, timing it out first if it is due. */
  get(id: string): Promise<StoredAction | undefined>;
  /** Times out overdue actions; answers how many were due. */
  expireDue(): Promise<number>;
}

/** Creates {@link ActionService.submit} over the service's `options`. */
export function createSubmit(
  options: ActionServiceOptions,
  { get, expireDue }: SubmitDeps,
): ActionService["submit"] {
  const { store, clock } = options;
  const requestChecks = {
    clock,
    canSignCallbacks: options.callbacks !== undefined,
    ...(options.checkCallbackUrl ? { checkCallbackUrl: options.checkCallbackUrl } : {}),
    ...(options.checkQuorum ? { checkQuorum: options.checkQuorum } : {}),
  };

  return async (
    agentId: string,
    body: protocol.ApprovalRequestBody,
    filing?: { traceparent?: string | undefined },
  ): Promise<SubmitResult> => {
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
      at: isoTime(clock.now()),
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
    // Other instances' live views hear of it too (a notifier linking instances only).
    void Promise.resolve(options.notifier.publishCreated?.({ agentId, actionId: record.id })).catch(
      () => {},
    );
    options.onPending?.(Date.parse(record.expires_at));
    const escalateAt = nextEscalationMs(record);
    if (escalateAt !== null) options.onPending?.(escalateAt);
    return result;
  };
}
