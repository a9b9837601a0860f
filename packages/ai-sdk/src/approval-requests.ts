/**
 * @module approval-requests
 * Finds the `tool-approval-request` parts still waiting for an answer, in a step's (or a
 * result's) `content` or in a list of model messages (`result.response.messages`, a chat
 * history): the approval id and the call it is for.
 */
import type { ModelMessage } from "ai";

/** One unanswered `tool-approval-request`. */
export interface PendingApprovalRequest {
  approvalId: string;
  toolCallId: string;
  toolName: string;
  /** The call's input as the model sent it. */
  input: unknown;
}

/** Where to look: a step or result (`{ content }`), its content parts, or model messages. */
export type ApprovalSource =
  | { readonly content: readonly unknown[] }
  | readonly unknown[]
  | readonly ModelMessage[];

type Part = {
  type?: unknown;
  approvalId?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  input?: unknown;
  isAutomatic?: unknown;
  toolCall?: { toolCallId?: unknown; toolName?: unknown; input?: unknown };
};

/**
 * The unanswered approval requests in `source`, in order. Requests answered automatically
 * (`isAutomatic`), answered by a `tool-approval-response`, or whose call already has a
 * result are left out.
 */
export function pendingApprovalRequests(source: ApprovalSource): PendingApprovalRequest[] {
  const items: readonly unknown[] = Array.isArray(source)
    ? source
    : (source as { content: readonly unknown[] }).content;
  const parts: Part[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    if ("role" in item) {
      const content = (item as { content?: unknown }).content;
      if (Array.isArray(content)) parts.push(...(content as Part[]));
    } else {
      parts.push(item as Part);
    }
  }
  const calls = new Map<string, { toolName: string; input: unknown }>();
  const answered = new Set<string>();
  const done = new Set<string>();
  for (const p of parts) {
    if (p.type === "tool-call" && typeof p.toolCallId === "string") {
      calls.set(p.toolCallId, { toolName: String(p.toolName), input: p.input });
    } else if (p.type === "tool-approval-response" && typeof p.approvalId === "string") {
      answered.add(p.approvalId);
    } else if (
      (p.type === "tool-result" || p.type === "tool-error") &&
      typeof p.toolCallId === "string"
    ) {
      done.add(p.toolCallId);
    }
  }
  const pending: PendingApprovalRequest[] = [];
  for (const p of parts) {
    if (p.type !== "tool-approval-request" || typeof p.approvalId !== "string") continue;
    if (p.isAutomatic === true || answered.has(p.approvalId)) continue;
    const toolCallId = p.toolCall?.toolCallId ?? p.toolCallId;
    if (typeof toolCallId !== "string" || done.has(toolCallId)) continue;
    const call = p.toolCall
      ? { toolName: String(p.toolCall.toolName), input: p.toolCall.input }
      : calls.get(toolCallId);
    if (!call) continue;
    pending.push({ approvalId: p.approvalId, toolCallId, ...call });
  }
  return pending;
}
