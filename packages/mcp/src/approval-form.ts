/**
 * @module approval-form
 * The elicitation form that asks the person at the MCP client about one held call, and
 * the decision their answer means. The form offers the allowed decisions, a reason, and
 * (when "modify" is allowed) the call's top-level text, number and boolean arguments to
 * edit, each under `arg_<name>` so no argument can pose as the decision.
 */

import type { ElicitRequestFormParams, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import type { ApprovalRequest, DecisionType, JsonObject } from "@safeguards/core";

type FormProperty = ElicitRequestFormParams["requestedSchema"]["properties"][string];

/** What the person answered. */
export type FormDecision =
  | { type: "approve"; comments?: string }
  | { type: "modify"; changes: JsonObject; comments?: string }
  | { type: "reject"; comments: string };

const ARG_PREFIX = "arg_";
/** At most this many arguments are offered for editing. */
const MAX_FIELDS = 20;
/** Argument text longer than this is not offered for editing. */
const MAX_FIELD_CHARS = 2_000;

/** The `elicitation/create` params for `request` (`allowed`: its allowed decisions). */
export function approvalForm(
  request: ApprovalRequest,
  allowed: DecisionType[],
): ElicitRequestFormParams {
  const args = request.action?.args ?? {};
  const properties: Record<string, FormProperty> = {
    decision: {
      type: "string",
      title: "Decision",
      enum: [...allowed],
      description:
        "approve: run the call as shown; modify: run it with the fields below; reject: do not run it",
    },
    reason: { type: "string", title: "Reason (shown to the model when you reject)" },
  };
  if (allowed.includes("modify")) {
    for (const [name, value] of editable(args)) {
      properties[`${ARG_PREFIX}${name}`] = field(name, value);
    }
  }
  return {
    mode: "form",
    message: `${request.title}\n\n${request.description}\n\nTool: ${request.action?.name ?? "?"}\nArguments: ${JSON.stringify(args, null, 2)}`,
    requestedSchema: { type: "object", properties, required: ["decision"] },
  };
}

/**
 * The decision of an elicitation answer. Declined, cancelled, an unknown decision or an
 * "approve" whose fields were edited: reject (nothing runs that the person did not name).
 */
export function decisionOf(
  answer: ElicitResult,
  args: JsonObject,
  allowed: DecisionType[],
): FormDecision {
  if (answer.action !== "accept") {
    return {
      type: "reject",
      comments: `The person at the MCP client ${answer.action === "decline" ? "declined" : "cancelled"} the approval.`,
    };
  }
  const content = (answer.content ?? {}) as JsonObject;
  const reason =
    typeof content.reason === "string" && content.reason !== "" ? content.reason : undefined;
  const decision = content.decision;
  if (typeof decision !== "string" || !allowed.includes(decision as DecisionType)) {
    return {
      type: "reject",
      comments: `The answer named no allowed decision (${JSON.stringify(decision ?? null)}).`,
    };
  }
  const changes = changedFields(content, args);
  if (decision === "reject")
    return { type: "reject", comments: reason ?? "Rejected in the MCP client." };
  if (decision === "approve") {
    if (Object.keys(changes).length > 0) {
      return {
        type: "reject",
        comments:
          "The answer approved the call but also edited its arguments; choose modify to run changed arguments.",
      };
    }
    return { type: "approve", ...(reason ? { comments: reason } : {}) };
  }
  if (Object.keys(changes).length === 0)
    return { type: "approve", ...(reason ? { comments: reason } : {}) };
  return { type: "modify", changes, ...(reason ? { comments: reason } : {}) };
}

function editable(args: JsonObject): [string, string | number | boolean][] {
  const fields: [string, string | number | boolean][] = [];
  for (const [name, value] of Object.entries(args)) {
    if (fields.length >= MAX_FIELDS) break;
    if (typeof value === "string" && value.length <= MAX_FIELD_CHARS) fields.push([name, value]);
    else if (typeof value === "number" || typeof value === "boolean") fields.push([name, value]);
  }
  return fields;
}

function field(name: string, value: string | number | boolean): FormProperty {
  if (typeof value === "boolean") return { type: "boolean", title: name, default: value };
  if (typeof value === "number") return { type: "number", title: name, default: value };
  return { type: "string", title: name, default: value };
}

/** The `arg_*` fields whose value differs from the argument (only arguments the form offered). */
function changedFields(content: JsonObject, args: JsonObject): JsonObject {
  const offered = new Map(editable(args));
  const changes: [string, JsonObject[string]][] = [];
  for (const [key, value] of Object.entries(content)) {
    if (!key.startsWith(ARG_PREFIX)) continue;
    const name = key.slice(ARG_PREFIX.length);
    if (!offered.has(name) || value === undefined) continue;
    if (value !== offered.get(name)) changes.push([name, value]);
  }
  // fromEntries makes own properties, so an argument named "__proto__" stays a field.
  return Object.fromEntries(changes) as JsonObject;
}
