/**
 * @module protocol/convert
 * Converts between the camelCase domain types and the snake_case wire format.
 */
import type { TerminalStatus } from "../actions/action-status.js";
import type {
  Approval,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import type { JsonObject } from "../util/json.js";
import type { WireApproval } from "./quorum-schemas.js";
import type { ActionRecord, ApprovalRequestBody, WireDecision } from "./schemas.js";

/** Wire body for `POST /request-approval`. */
export function toRequestBody(request: ApprovalRequest, callbackUrl?: string): ApprovalRequestBody {
  const body: ApprovalRequestBody = {
    id: request.id,
    title: request.title,
    description: request.description,
    severity: request.severity,
    agent_id: request.agentId,
    metadata: request.metadata,
    allowed_decisions: [...request.allowedDecisions],
    created_at: request.createdAt.toISOString(),
    expires_at: request.expiresAt.toISOString(),
  };
  if (request.action) {
    body.action = { name: request.action.name, args: request.action.args };
    if (request.action.argsSchema) body.action.args_schema = request.action.argsSchema;
    body.args_hash = request.argsHash;
  }
  if (callbackUrl) body.callback_url = callbackUrl;
  if (request.assignees) body.assignees = [...request.assignees];
  if (request.requiredApprovals !== undefined) body.required_approvals = request.requiredApprovals;
  if (request.escalation) {
    body.escalation = request.escalation.map((step) => ({
      after_seconds: step.afterSeconds,
      assignees: [...step.assignees],
    }));
  }
  return body;
}

/** Domain approval from a wire approval. */
export function fromWireApproval(approval: WireApproval): Approval {
  const out: Approval = { reviewer: approval.reviewer, decidedAt: new Date(approval.decided_at) };
  if (approval.comments != null) out.comments = approval.comments;
  return out;
}

/** Wire approval from a domain approval. */
export function toWireApproval(approval: Approval): WireApproval {
  return {
    reviewer: approval.reviewer,
    decided_at: approval.decidedAt.toISOString(),
    comments: approval.comments ?? null,
  };
}

const STATUS_BY_WIRE_TYPE: Record<WireDecision["type"], TerminalStatus> = {
  approve: "approved",
  modify: "modified",
  reject: "rejected",
  timeout: "timed_out",
  cancel: "cancelled",
};

/** The wire decision type that leads to `status`. */
export function wireTypeForStatus(status: TerminalStatus): WireDecision["type"] {
  const entry = Object.entries(STATUS_BY_WIRE_TYPE).find(([, s]) => s === status);
  return (entry?.[0] ?? "reject") as WireDecision["type"];
}

/** Domain decision from a wire decision. */
export function fromWireDecision(decision: WireDecision): ApprovalDecision {
  const out: ApprovalDecision = {
    status: STATUS_BY_WIRE_TYPE[decision.type],
    decidedAt: new Date(decision.decided_at),
  };
  if (decision.response_data) out.responseData = decision.response_data as JsonObject;
  if (decision.comments != null) out.comments = decision.comments;
  if (decision.reviewer != null) out.reviewer = decision.reviewer;
  if (decision.approvals) out.approvals = decision.approvals.map(fromWireApproval);
  return out;
}

/** Wire decision from a domain decision. */
export function toWireDecision(decision: ApprovalDecision): WireDecision {
  const wire: WireDecision = {
    type: wireTypeForStatus(decision.status),
    response_data: decision.responseData ?? null,
    comments: decision.comments ?? null,
    reviewer: decision.reviewer ?? null,
    decided_at: decision.decidedAt.toISOString(),
  };
  if (decision.approvals) wire.approvals = decision.approvals.map(toWireApproval);
  return wire;
}

/** Domain record (request + decision) from a wire action record. */
export function fromActionRecord(record: ActionRecord): ApprovalRecord {
  const request: ApprovalRequest = {
    id: record.id,
    title: record.title,
    description: record.description,
    severity: record.severity,
    agentId: record.agent_id,
    metadata: record.metadata as JsonObject,
    allowedDecisions: [...record.allowed_decisions],
    createdAt: new Date(record.created_at),
    expiresAt: new Date(record.expires_at),
  };
  if (record.action) {
    request.action = { name: record.action.name, args: record.action.args as JsonObject };
    if (record.action.args_schema)
      request.action.argsSchema = record.action.args_schema as JsonObject;
    if (record.args_hash) request.argsHash = record.args_hash;
  }
  // The record's `assignees` are the current ones (escalations added), not the request's.
  if (record.required_approvals !== undefined)
    request.requiredApprovals = record.required_approvals;
  if (record.escalation) {
    request.escalation = record.escalation.map((step) => ({
      afterSeconds: step.after_seconds,
      assignees: [...step.assignees],
    }));
  }
  return { request, decision: record.decision ? fromWireDecision(record.decision) : null };
}
