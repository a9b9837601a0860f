/**
 * @module @safeguards/openai-agents
 * Human approval for OpenAI Agents SDK (`@openai/agents` 0.20) tools: `needsApprovalFrom`
 * turns core policies into a tool's `needsApproval`, and `resolveInterruptions` asks a human
 * (through any core approval channel, the inbox included) about each interrupted call and
 * records the decisions on the run state to resume with `run(agent, state)`.
 */
export type { InterruptionCall } from "./interruption-call.js";
export { interruptionCall } from "./interruption-call.js";
export type { NeedsApprovalFromOptions, NeedsApprovalFunction } from "./needs-approval-from.js";
export { asArgs, needsApprovalFrom } from "./needs-approval-from.js";
export type {
  InterruptedResult,
  InterruptionDecision,
  ResolveInterruptionsOptions,
} from "./resolve-interruptions.js";
export { resolveInterruptions } from "./resolve-interruptions.js";
