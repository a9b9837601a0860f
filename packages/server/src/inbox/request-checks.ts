/**
 * @module inbox/request-checks
 * What a new approval request must satisfy before it is stored (400/422 otherwise), and
 * the idempotency rule for a request whose id is already stored.
 */
import { ALL_DECISIONS, type Clock, hashArgs, type JsonObject, protocol } from "@safeguards/core";
import { validateJsonSchemaAsync } from "@safeguards/core/internal";
import type { StoredAction, StoredRecord } from "../store/action-store.js";
import { isoTime } from "../util/iso-time.js";
import type { CallbackUrlCheck } from "./callback-allowlist.js";
import { InboxError } from "./inbox-error.js";

/** What {@link checkNewRequest} needs to know about the inbox. */
export interface RequestCheckOptions {
  clock: Clock;
  /** Whether the inbox can sign callbacks (without it `callback_url` is refused). */
  canSignCallbacks: boolean;
  /** Vets `callback_url`; a refusal is 422 `callback_url_not_allowed`. */
  checkCallbackUrl?: CallbackUrlCheck;
  /**
   * Throws 422 `quorum_unreachable` for a pending record too few reviewers may decide
   * (an inbox with reviewer accounts only, see `createQuorumCheck`).
   */
  checkQuorum?: (record: StoredRecord) => void;
}

/** Throws the refusal of a new request that cannot be filed (400/422). */
export async function checkNewRequest(
  body: protocol.ApprovalRequestBody,
  options: RequestCheckOptions,
): Promise<void> {
  if (body.action && hashArgs(body.action.args) !== body.args_hash) {
    throw new InboxError(
      "args_hash_mismatch",
      "args_hash is not the sha256 of the RFC 8785 canonical JSON of action.args",
      { expected: hashArgs(body.action.args) },
    );
  }
  const schema = body.action?.args_schema;
  const schemaError = schema
    ? (await validateJsonSchemaAsync(schema as JsonObject, body.action?.args)).find((e) =>
        e.startsWith("args_schema cannot be used"),
      )
    : undefined;
  if (schemaError) throw new InboxError("invalid_request", schemaError);
  if (Date.parse(body.expires_at) <= options.clock.now()) {
    throw new InboxError("invalid_request", "expires_at must be in the future", {
      expires_at: body.expires_at,
    });
  }
  if (body.escalation) {
    const createdAt = body.created_at ? Date.parse(body.created_at) : options.clock.now();
    const issue = protocol.escalationTimingIssue(
      body.escalation,
      createdAt,
      Date.parse(body.expires_at),
    );
    if (issue) {
      throw new InboxError("invalid_request", `Invalid request body: ${issue.message}`, {
        issues: [
          { path: ["escalation", String(issue.index), "after_seconds"], message: issue.message },
        ],
      });
    }
  }
  if (body.callback_url && !options.canSignCallbacks) {
    throw new InboxError(
      "invalid_request",
      "callback_url was given but this inbox has no signingSecret, so it cannot sign callbacks; poll /decisions instead",
    );
  }
  const refusal = body.callback_url && options.checkCallbackUrl?.(body.callback_url, body.agent_id);
  if (refusal) {
    throw new InboxError("callback_url_not_allowed", `${refusal}; nothing was stored`);
  }
  options.checkQuorum?.(pendingRecordOf(body, options.clock.now()));
}

/** The stored action for a retried request with the same body; 409 `conflict` for another body. */
export function idempotentRetry(
  existing: StoredAction,
  requestHash: string,
): { created: false; action: StoredAction } {
  if (existing.requestHash !== requestHash) {
    throw new InboxError(
      "conflict",
      `Action id ${existing.record.id} is already used by a different request; use a new id`,
    );
  }
  return { created: false, action: existing };
}

/** The refusal of a filing over the agent's quota of pending actions (429). */
export function tooManyPending(agentId: string, max = 0): InboxError {
  return new InboxError(
    "too_many_pending",
    `Agent "${agentId}" already has ${max} pending actions, the most this inbox allows (maxPendingPerAgent); nothing was stored. File again once reviewers have decided some, or cancel those no longer needed`,
    { max_pending: max },
  );
}

/** The pending record a checked request is stored as (`nowMs`: when it arrived). */
export function pendingRecordOf(body: protocol.ApprovalRequestBody, nowMs: number): StoredRecord {
  return {
    id: body.id,
    status: "pending",
    title: body.title,
    description: body.description,
    severity: body.severity,
    agent_id: body.agent_id,
    metadata: body.metadata ?? {},
    action: body.action ?? null,
    args_hash: body.args_hash ?? null,
    allowed_decisions: [...new Set(body.allowed_decisions ?? ALL_DECISIONS)],
    created_at: isoTime(body.created_at ?? nowMs),
    expires_at: isoTime(body.expires_at),
    decision: null,
    assignees: body.assignees ?? null,
    required_approvals: body.required_approvals ?? 1,
    approvals: [],
    escalation: body.escalation ?? null,
    escalations: [],
    proposed_changes: null,
  };
}
