/**
 * @module interrupts/decision-shapes
 * Every shape a reviewer UI sends back to an approval interrupt, as zod schemas:
 * - Safeguards' own decision: `{ type: "approve" | "modify" | "reject" | "timed_out",
 *   responseData?, comments?, reviewer?, argsHash?, approvals? }` (`modify` carries only the
 *   changed fields; `approvals` names who approved, for a call that needs several);
 * - LangChain `HITLResponse` decisions: `{ type: "approve" }`, `{ type: "edit", editedAction:
 *   { name, args } }` (the full new arguments), `{ type: "reject", message? }`, also wrapped as
 *   `{ decisions: [one] }`;
 * - Agent Inbox / Agent Chat UI `HumanResponse`: `{ type: "accept" | "edit" | "ignore" |
 *   "response", args }` (`edit` args `{ action, args }`: the full new arguments), also as a
 *   one-element array (Agent Inbox sends `[humanResponse]`).
 */
import { z } from "zod";
import type { JsonObject } from "../util/json.js";

const text = z.string().max(10_000);
const args = z.record(z.string(), z.unknown());

/** Safeguards' own decision (the inbox bridge sends this one). */
export const coreDecisionSchema = z.strictObject({
  type: z.enum(["approve", "modify", "reject", "timed_out"]),
  responseData: args.optional(),
  comments: text.optional(),
  reviewer: z.string().max(200).optional(),
  argsHash: z.string().max(200).optional(),
  /** Who approved (reviewer names), for a call whose policy requires several approvals. */
  approvals: z.array(z.string().min(1).max(200)).max(50).optional(),
});

/** LangChain's `HITLResponse` decision for one call. */
export const langChainDecisionSchema = z.union([
  z.strictObject({ type: z.literal("approve") }),
  z.strictObject({
    type: z.literal("edit"),
    editedAction: z.strictObject({ name: z.string().min(1).max(200), args }),
  }),
  z.strictObject({ type: z.literal("reject"), message: text.optional() }),
]);

/** Agent Inbox's / Agent Chat UI's `HumanResponse`. */
export const humanResponseSchema = z.strictObject({
  type: z.enum(["accept", "edit", "ignore", "response"]),
  args: z.union([z.null(), text, z.strictObject({ action: z.string().max(200), args })]).optional(),
});

const oneDecision = z.union([coreDecisionSchema, langChainDecisionSchema, humanResponseSchema]);

/** Every accepted resume value of one approval interrupt (shape only; no per-call checks). */
export const decisionInputSchema = z.union([
  oneDecision,
  z.strictObject({ decisions: z.array(oneDecision).length(1) }),
  z.array(oneDecision).length(1),
]);

/** A resume value of one approval interrupt, in any accepted shape. */
export type DecisionInput = z.infer<typeof decisionInputSchema>;

/** One decision, unwrapped from `{ decisions: [d] }` or `[d]`. */
export type OneDecisionInput = z.infer<typeof oneDecision>;

let jsonSchema: JsonObject | undefined;

/** JSON Schema of {@link decisionInputSchema} (the payload's `response_schema`). */
export function decisionJsonSchema(): JsonObject {
  jsonSchema ??= z.toJSONSchema(decisionInputSchema, { io: "input" }) as JsonObject;
  return jsonSchema;
}
