/**
 * @module decide-approvals
 * Answers the AI SDK's own `tool-approval-request` parts from any core approval channel (the
 * inbox included): files each pending request through a `HumanActionHandler` under a request
 * id derived from its approval id (refiling is idempotent), waits for the decisions and
 * returns the `tool-approval-response` parts to send with the next `generateText` /
 * `streamText` call. The AI SDK's response has no changed arguments, so `modify` is not
 * offered on this path, and a modification that arrives anyway becomes a denial.
 */
import { createHash } from "node:crypto";
import {
  ErrorCode,
  type HumanAction,
  type HumanActionHandler,
  InvalidConfigError,
  isPolicies,
  type JsonObject,
  type Policies,
  type PolicyVerdict,
  SafeguardsError,
} from "@safeguards/core";
import {
  adoptFiled,
  approverFieldsOf,
  assertSameCall,
  evaluateCall,
  fileOrAdopt,
  resolveOutcome,
} from "@safeguards/core/internal";
import { approvalMetadata, modificationNote } from "@safeguards/core/interrupts";
import type { Tool, ToolApprovalResponse, ToolSet } from "ai";
import {
  type ApprovalSource,
  type PendingApprovalRequest,
  pendingApprovalRequests,
} from "./approval-requests.js";
import { inputSchemaOf } from "./tool-schema.js";

/** Options of {@link decideApprovalRequests}. */
export interface DecideApprovalsOptions {
  /** Files the requests and waits for their decisions (any approval channel). */
  handler: HumanActionHandler;
  /** The same policies the tools' `needsApproval` came from (title, timeout, onTimeout...). */
  policies: Policies;
  /** The tools, for the JSON Schema of their `inputSchema` shown to the reviewer. */
  tools?: ToolSet;
  /** The agent id reviewers see. @default "ai-sdk-agent" */
  agentId?: string;
  /** Decide only these approval ids; an id that is not pending in the source is refused. */
  approvalIds?: readonly string[];
  /** Ends the wait (the requests stay filed; deciding again picks them up). */
  signal?: AbortSignal;
}

/** The answers, once every filed request is decided. */
export interface DecidedApprovals {
  /** One response per decided request, keyed by approval id. */
  byApprovalId: Record<string, ToolApprovalResponse>;
  /** The same responses in request order: send them as `{ role: "tool", content: responses }`. */
  responses: ToolApprovalResponse[];
}

/** The inbox request id of an approval id: the same in every process. */
export function approvalRequestIdFor(approvalId: string): string {
  return `aisdk_${createHash("sha256").update(approvalId).digest("hex").slice(0, 40)}`;
}

/**
 * Files the pending `tool-approval-request` parts of `source` (a step or result, its content,
 * or model messages) that the policies flag, waits until all are decided and returns their
 * `tool-approval-response` parts. Approved -> `approved: true`; rejected, timed out (unless
 * `onTimeout: "approve"`), cancelled or modified -> `approved: false` with the reason the
 * model reads. Requests the policies do not flag are left unanswered (not in the result).
 * Throws a `SafeguardsError` (NOT_FOUND) for an `approvalIds` entry that is not pending, and
 * the channel's error when a request cannot be filed (nothing is answered; retry is safe).
 */
export async function decideApprovalRequests(
  source: ApprovalSource,
  options: DecideApprovalsOptions,
): Promise<DecidedApprovals> {
  if (!options?.handler || typeof options.handler.requestAction !== "function") {
    throw new InvalidConfigError(
      "decideApprovalRequests: options.handler must be a HumanActionHandler",
    );
  }
  if (!isPolicies(options.policies)) {
    throw new InvalidConfigError(
      "decideApprovalRequests: policies must come from definePolicies(...)",
    );
  }
  const pending = selected(pendingApprovalRequests(source), options.approvalIds);
  const agentId = options.agentId ?? "ai-sdk-agent";
  const filed: Array<{ request: PendingApprovalRequest; verdict: Flagged; action: HumanAction }> =
    [];
  for (const request of pending) {
    const args = request.input as JsonObject;
    const verdict = await evaluateCall({
      policies: options.policies,
      agentId,
      toolName: request.toolName,
      args,
      toolCallId: request.toolCallId,
    });
    if (!verdict.required) continue;
    const action = await file(request, verdict, options, agentId);
    filed.push({ request, verdict, action });
  }
  const signal = options.signal ? { signal: options.signal } : {};
  await Promise.all(filed.map((f) => options.handler.waitForAction(f.action, undefined, signal)));
  const byApprovalId: Record<string, ToolApprovalResponse> = {};
  const responses = filed.map(({ request, verdict, action }) => {
    const response = toResponse(request, action, verdict);
    byApprovalId[request.approvalId] = response;
    return response;
  });
  return { byApprovalId, responses };
}

type Flagged = Extract<PolicyVerdict, { required: true }>;

function selected(
  pending: PendingApprovalRequest[],
  ids: readonly string[] | undefined,
): PendingApprovalRequest[] {
  if (ids === undefined) return pending;
  const known = new Map(pending.map((p) => [p.approvalId, p]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new SafeguardsError(
      ErrorCode.NOT_FOUND,
      `No pending tool-approval-request with approval id ${unknown.join(", ")}; refused`,
      { details: { approvalIds: unknown } },
    );
  }
  return ids.map((id) => known.get(id)!);
}

/** Files the request, or picks up the one filed before under the same id. */
async function file(
  request: PendingApprovalRequest,
  verdict: Flagged,
  options: DecideApprovalsOptions,
  agentId: string,
): Promise<HumanAction> {
  const { handler } = options;
  const id = approvalRequestIdFor(request.approvalId);
  const args = request.input as JsonObject;
  const allowed = verdict.allowedDecisions.filter((d) => d !== "modify");
  const expected = { agentId, toolName: request.toolName, args };
  // Picked up before filing: a second process deciding the same history gets the same id.
  const known = await adoptFiled(handler, id);
  if (known) return assertSameCall(known, expected);
  if (allowed.length === 0) {
    throw new InvalidConfigError(
      `decideApprovalRequests: the policy of ${request.toolName} allows only modify, which the AI SDK's approval response cannot carry`,
    );
  }
  const tool = options.tools?.[request.toolName] as Tool | undefined;
  const argsSchema = tool ? await inputSchemaOf(tool.inputSchema).jsonSchema() : undefined;
  const input = {
    id,
    title: verdict.title,
    description: verdict.description,
    agentId,
    severity: verdict.severity,
    metadata: { ...approvalMetadata(verdict, request.toolCallId), approval_id: request.approvalId },
    action: {
      name: request.toolName,
      args,
      ...(argsSchema ? { argsSchema } : {}),
    },
    allowedDecisions: allowed,
    ...approverFieldsOf(verdict),
    ...(verdict.timeoutSeconds !== undefined ? { timeoutSeconds: verdict.timeoutSeconds } : {}),
  };
  return fileOrAdopt(handler, input, expected);
}

function toResponse(
  request: PendingApprovalRequest,
  action: HumanAction,
  verdict: Flagged,
): ToolApprovalResponse {
  const base = { type: "tool-approval-response" as const, approvalId: request.approvalId };
  const args = request.input as JsonObject;
  const outcome = resolveOutcome(action, args, { onTimeout: verdict.onTimeout });
  if (!outcome.run) return { ...base, approved: false, reason: outcome.reason };
  if (!outcome.modified) {
    return { ...base, approved: true, ...(action.comments ? { reason: action.comments } : {}) };
  }
  // The AI SDK runs an approved call with the model's arguments: never approve a modification.
  const note = modificationNote(args, outcome.args, action);
  return {
    ...base,
    approved: false,
    reason: `${note} The AI SDK cannot run a call with changed arguments, so this call was not run; call the tool again with the changed arguments if they are still wanted.`,
  };
}
