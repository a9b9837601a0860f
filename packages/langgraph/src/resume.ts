/**
 * @module resume
 * Resume helpers: list a thread's pending approvals, build a keyed
 * `Command({ resume: { [interruptId]: decision } })` from decisions keyed by tool call id,
 * and resume with LangGraph's strict mode so an un-keyed or stale resume is refused before
 * anything is saved.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, isInvalidResume, isUnknownInterruptError } from "@langchain/langgraph";
import { ErrorCode, SafeguardsError } from "@safeguards/core";
import { type DecisionInput, normalizeDecision } from "./interop.js";
import { type ApprovalPayload, isApprovalPayload } from "./payload.js";

/** One flagged call waiting for its decision. */
export interface PendingApproval {
  interruptId: string;
  toolCallId: string;
  name: string;
  payload: ApprovalPayload;
}

/** The graph methods the helpers use (any compiled graph with a checkpointer has them). */
export interface ResumableGraph {
  // biome-ignore lint/suspicious/noExplicitAny: compiled graphs type these per state
  getState(config: RunnableConfig, options?: { subgraphs?: boolean }): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  invoke(input: any, config?: any): Promise<any>;
}

interface TaskLike {
  result?: unknown;
  interrupts?: { id?: string; value?: unknown }[];
}

/**
 * The approvals a thread is waiting for: the interrupts of tasks that have no result yet,
 * read with `getState(config, { subgraphs: true })`. Other interrupts are ignored.
 */
export async function listPendingApprovals(
  graph: ResumableGraph,
  config: RunnableConfig,
): Promise<PendingApproval[]> {
  const state = (await graph.getState(config, { subgraphs: true })) as { tasks?: TaskLike[] };
  const seen = new Set<string>();
  const pending: PendingApproval[] = [];
  for (const task of state.tasks ?? []) {
    if (task.result !== undefined) continue;
    for (const item of task.interrupts ?? []) {
      if (!item.id || seen.has(item.id) || !isApprovalPayload(item.value)) continue;
      seen.add(item.id);
      const payload = item.value;
      pending.push({
        interruptId: item.id,
        toolCallId: payload.tool_call_id,
        name: payload.name,
        payload,
      });
    }
  }
  return pending;
}

/**
 * Builds the keyed resume command. `decisions` are keyed by tool call id (an interrupt id
 * works too); each must name exactly one pending approval and be a valid decision for it.
 * Throws {@link SafeguardsError}: NOT_FOUND for unknown or already answered calls, CONFLICT
 * when a tool call id is ambiguous, and the decision's own error when it is refused.
 */
export function buildResumeCommand(
  pending: readonly PendingApproval[],
  decisions: Readonly<Record<string, DecisionInput | unknown>>,
): Command<Record<string, unknown>, never, never> {
  const keys = Object.keys(decisions ?? {});
  if (keys.length === 0) {
    throw new SafeguardsError(ErrorCode.INVALID_ARGUMENT, "No decisions to resume with");
  }
  const resume: Record<string, unknown> = {};
  for (const key of keys) {
    const matches = pending.filter((p) => p.toolCallId === key || p.interruptId === key);
    if (matches.length === 0) {
      throw new SafeguardsError(
        ErrorCode.NOT_FOUND,
        `No pending approval for tool call ${key}: unknown or already answered (pending: ${pending.map((p) => p.toolCallId).join(", ") || "none"})`,
      );
    }
    if (matches.length > 1) {
      throw new SafeguardsError(
        ErrorCode.CONFLICT,
        `Tool call id ${key} names ${matches.length} pending approvals; key the decision by interrupt id (${matches.map((m) => m.interruptId).join(", ")})`,
      );
    }
    const match = matches[0]!;
    if (match.interruptId in resume) {
      throw new SafeguardsError(
        ErrorCode.CONFLICT,
        `Two decisions for tool call ${match.toolCallId}`,
      );
    }
    const value = decisions[key];
    normalizeDecision(value, {
      toolCallId: match.toolCallId,
      name: match.name,
      args: match.payload.args,
      allowedDecisions: match.payload.allowed_decisions,
      onTimeout: match.payload.on_timeout,
    });
    resume[match.interruptId] = value;
  }
  return new Command({ resume });
}

/** `config` with LangGraph's strict resume flag (refuses un-keyed and stale resumes). */
export function strictResumeConfig<C extends RunnableConfig>(config: C): C {
  return { ...config, configurable: { ...config.configurable, __pregel_strict_resume: true } };
}

/**
 * Resumes a thread with decisions keyed by tool call id: lists the pending approvals,
 * builds the keyed command and invokes with the strict resume flag. A decision the node
 * refuses (for example arguments that fail the tool's schema) throws INVALID_MODIFICATION
 * and leaves the thread waiting.
 */
export async function resumeApprovals(
  graph: ResumableGraph,
  config: RunnableConfig,
  decisions: Readonly<Record<string, DecisionInput | unknown>>,
): Promise<unknown> {
  const command = buildResumeCommand(await listPendingApprovals(graph, config), decisions);
  try {
    return await graph.invoke(command, strictResumeConfig(config));
  } catch (error) {
    if (isInvalidResume(error)) {
      throw new SafeguardsError(
        ErrorCode.INVALID_MODIFICATION,
        `The approval node refused the decision; the thread still waits: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (isUnknownInterruptError(error)) {
      throw new SafeguardsError(
        ErrorCode.CONFLICT,
        `The approvals changed while resuming (answered elsewhere?); nothing was saved: ${(error as Error).message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
