/**
 * @module resume
 * Resuming an agent paused by `approvalMiddleware({ mode: "interrupt" })`: list the
 * thread's pending approvals, build a keyed `Command({ resume: { [interruptId]: decision } })`
 * from decisions keyed by tool call id (refusing unknown, already answered, ambiguous or
 * invalid ones before anything is saved), and invoke with LangGraph's strict resume.
 */
import { Validator } from "@langchain/core/utils/json_schema";
import { Command } from "@langchain/langgraph";
import { ErrorCode, type JsonObject, SafeguardsError } from "@safeguards/core";
import {
  type ApprovalDecisionInput,
  decisionProblem,
  type NormalizedDecision,
  normalizeDecision,
} from "./decisions.js";
import { type ApprovalInterruptValue, isApprovalInterrupt } from "./interrupt-payload.js";

/** One flagged tool call waiting for a decision. */
export interface PendingApproval {
  /** The LangGraph interrupt id (the key of the resume map). */
  interruptId: string;
  toolCallId: string;
  name: string;
  args: JsonObject;
  title: string;
  description: string;
  allowedDecisions: ApprovalInterruptValue["allowed_decisions"];
  /** The full interrupt value. */
  value: ApprovalInterruptValue;
}

/** A thread's approvals: pending ones, and tool call ids that already have a result. */
export interface ThreadApprovals {
  pending: PendingApproval[];
  answered: Set<string>;
}

/** The part of a compiled agent or graph these helpers use. */
export interface ResumableAgent<R = unknown> {
  getState(config: RunnableConfigLike): Promise<unknown>;
  invoke(input: Command, config: RunnableConfigLike): Promise<R>;
}

/** A LangGraph run config (`configurable.thread_id` is what matters here). */
export interface RunnableConfigLike {
  configurable?: Record<string, unknown>;
  [key: string]: unknown;
}

interface StateLike {
  tasks?: Array<{ interrupts?: Array<{ id?: string; value?: unknown }>; result?: unknown }>;
  values?: { messages?: Array<{ tool_call_id?: unknown; getType?: () => string }> };
}

/** Reads the thread's pending approvals (tasks that have no result yet) and answered calls. */
export async function readApprovals(
  agent: Pick<ResumableAgent, "getState">,
  config: RunnableConfigLike,
): Promise<ThreadApprovals> {
  const state = (await agent.getState(config)) as StateLike;
  const pending: PendingApproval[] = [];
  for (const task of state.tasks ?? []) {
    if (task.result !== undefined) continue;
    for (const entry of task.interrupts ?? []) {
      if (!entry.id || !isApprovalInterrupt(entry.value)) continue;
      const value = entry.value;
      pending.push({
        interruptId: entry.id,
        toolCallId: value.tool_call_id,
        name: value.name,
        args: value.args,
        title: value.title,
        description: value.description,
        allowedDecisions: value.allowed_decisions,
        value,
      });
    }
  }
  const answered = new Set<string>();
  for (const message of state.values?.messages ?? []) {
    if (typeof message.tool_call_id === "string") answered.add(message.tool_call_id);
  }
  return { pending, answered };
}

/** The pending approvals of a thread, oldest task first. */
export async function listPendingApprovals(
  agent: Pick<ResumableAgent, "getState">,
  config: RunnableConfigLike,
): Promise<PendingApproval[]> {
  return (await readApprovals(agent, config)).pending;
}

/**
 * Builds `Command({ resume: { [interruptId]: decision } })` from decisions keyed by tool
 * call id. Refuses (SafeguardsError) before anything is sent: no decisions
 * (INVALID_ARGUMENT), a tool call that is not pending (NOT_FOUND) or already has a result
 * (ALREADY_DECIDED), a tool call id held by several pending interrupts (CONFLICT), or a
 * decision that is malformed, not allowed, or an invalid modification (INVALID_ARGUMENT).
 */
export function buildResumeCommand(
  approvals: ThreadApprovals | PendingApproval[],
  decisions: Record<string, ApprovalDecisionInput>,
): Command {
  const { pending, answered } = Array.isArray(approvals)
    ? { pending: approvals, answered: new Set<string>() }
    : approvals;
  const entries = Object.entries(decisions ?? {});
  if (entries.length === 0) {
    throw new SafeguardsError(ErrorCode.INVALID_ARGUMENT, "No decisions given; nothing to resume");
  }
  const resume: Record<string, unknown> = {};
  for (const [toolCallId, raw] of entries) {
    const matches = pending.filter((p) => p.toolCallId === toolCallId);
    if (matches.length === 0) {
      if (answered.has(toolCallId)) {
        throw new SafeguardsError(
          ErrorCode.ALREADY_DECIDED,
          `Tool call ${toolCallId} was already answered; its decision was refused`,
        );
      }
      throw new SafeguardsError(
        ErrorCode.NOT_FOUND,
        `No pending approval for tool call ${toolCallId} (pending: ${pending.map((p) => p.toolCallId).join(", ") || "none"})`,
      );
    }
    if (matches.length > 1) {
      throw new SafeguardsError(
        ErrorCode.CONFLICT,
        `Tool call id ${toolCallId} is held by ${matches.length} pending approvals; resume by interrupt id`,
      );
    }
    const approval = matches[0]!;
    const problem = checkDecision(approval, raw);
    if (problem) {
      throw new SafeguardsError(
        ErrorCode.INVALID_ARGUMENT,
        `Decision for tool call ${toolCallId} refused: ${problem}`,
      );
    }
    resume[approval.interruptId] = raw;
  }
  return new Command({ resume });
}

/** `config` with LangGraph's strict resume on (refuses un-keyed resumes while several are pending). */
export function strictResumeConfig<C extends RunnableConfigLike>(config: C): C {
  return { ...config, configurable: { ...config.configurable, __pregel_strict_resume: true } };
}

/**
 * Reads the thread's pending approvals, builds the keyed resume command from `decisions`
 * (keyed by tool call id) and resumes the agent with strict resume. Resolves to the
 * agent's result (which may hold new interrupts).
 */
export async function resumeApprovals<R>(
  agent: ResumableAgent<R>,
  config: RunnableConfigLike,
  decisions: Record<string, ApprovalDecisionInput>,
): Promise<R> {
  const command = buildResumeCommand(await readApprovals(agent, config), decisions);
  return agent.invoke(command, strictResumeConfig(config));
}

function checkDecision(approval: PendingApproval, raw: unknown): string | undefined {
  let decision: NormalizedDecision;
  try {
    decision = normalizeDecision(raw);
  } catch {
    return "not a decision (expected approve / modify / reject, or LangChain's approve / edit / reject)";
  }
  const schema = approval.value.args_schema;
  return decisionProblem(decision, {
    toolName: approval.name,
    args: approval.args,
    allowedDecisions: approval.allowedDecisions,
    validateArgs: schema ? (args) => jsonSchemaProblem(schema, args) : undefined,
  });
}

function jsonSchemaProblem(schema: JsonObject, args: JsonObject): string | undefined {
  try {
    const result = new Validator(schema as ConstructorParameters<typeof Validator>[0]).validate(
      args,
    );
    if (result.valid) return undefined;
    return result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join("; ");
  } catch {
    return undefined; // the interrupt's responseSchema validates with the tool's own schema
  }
}
