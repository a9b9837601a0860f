/**
 * @module interruption-call
 * One `RunToolApprovalItem` (an item of `result.interruptions`) as core's review reads it:
 * the tool's name, its parsed arguments, the call id, the tool's parameters JSON Schema
 * and a deterministic action id, so filing the same interruption twice (a retry, or a
 * resume in another process) reaches the same request.
 */

import type { RunToolApprovalItem } from "@openai/agents";
import { hashArgs, type JsonObject } from "@safeguards/core";
import type { CallArgsSchema } from "@safeguards/core/internal";
import { asArgs } from "./needs-approval-from.js";

/** What is reviewed of one interruption. */
export interface InterruptionCall {
  toolName: string;
  args: JsonObject;
  callId: string | undefined;
  schema: CallArgsSchema;
  /** `oai_<hex>`: derived from the agent id, call id, tool name and arguments. */
  actionId: string;
}

/** Reads `item` (arguments that are not JSON are reviewed as `{ input: "<raw text>" }`). */
export function interruptionCall(item: RunToolApprovalItem, agentId: string): InterruptionCall {
  const raw = item.rawItem as { type?: string; callId?: string; id?: string };
  const toolName = item.name ?? raw.type ?? "tool";
  const args = parseArgs(item.arguments);
  const callId = raw.callId ?? raw.id;
  const parameters = toolParameters(item, toolName);
  const key = hashArgs({ agentId, toolName, callId: callId ?? null, args });
  return {
    toolName,
    args,
    callId,
    actionId: `oai_${key.slice(key.indexOf(":") + 1, key.indexOf(":") + 33)}`,
    schema: {
      jsonSchema: () => parameters,
      // Modifications are never offered on this path (see resolveInterruptions).
      problem: () => undefined,
    },
  };
}

function parseArgs(text: string | undefined): JsonObject {
  if (text === undefined || text === "") return {};
  try {
    return asArgs(JSON.parse(text));
  } catch {
    return { input: text };
  }
}

/** The function tool's `parameters` JSON Schema, found on the item's agent. */
function toolParameters(item: RunToolApprovalItem, toolName: string): JsonObject | undefined {
  const tools = (item.agent as { tools?: unknown[] } | undefined)?.tools ?? [];
  for (const tool of tools) {
    const t = tool as { type?: string; name?: string; parameters?: unknown };
    if (t.type === "function" && t.name === toolName && isObject(t.parameters)) {
      return t.parameters as JsonObject;
    }
  }
  return undefined;
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
