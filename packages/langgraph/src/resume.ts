/**
 * @module resume
 * Resume helpers for any graph paused by approval interrupts (`createApprovalNode`, or a
 * `createAgent` agent with `approvalMiddleware({ mode: "interrupt" })`): list the thread's
 * pending approvals, build a keyed `Command({ resume: { [interruptId]: decision } })` from
 * decisions keyed by tool call id (or interrupt id), and resume with LangGraph's strict mode.
 * The graph checks every resume itself (see `resume-guard`); these helpers refuse the
 * mistakes they can see before anything is sent.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, isInvalidResume, isUnknownInterruptError } from "@langchain/langgraph";
import { ErrorCode, SafeguardsError } from "@safeguards/core";
import {
  type ApprovalPayload,
  callUnderReview,
  isApprovalPayload,
  normalizeDecision,
} from "@safeguards/core/interrupts";

/** One flagged call waiting for its decision. */
export interface PendingApproval {
  /** The LangGraph interrupt id (the key of a keyed resume). */
  interruptId: string;
  toolCallId: string;
  /** The tool's name. */
  name: string;
  /** The interrupt value. */
  payload: ApprovalPayload;
}

/** The graph methods the helpers use (any compiled graph or agent with a checkpointer). */
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

/** The approvals a thread waits for (interrupts of tasks without a result), in task order. */
export async function listPendingApprovals(
  graph: Pick<ResumableGraph, "getState">,
  config: RunnableConfig,
): Promise<PendingApproval[]> {
  const state = (await graph.getState(config, { subgraphs: true })) as { tasks?: TaskLike[] };
  const seen = new Set<string>();
  const pending: PendingApproval[] = [];
  for (const task of state.tasks ?? []) {
    if (task.result !== undefined && task.result !== null) continue; // null: served, waiting
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
 * works too); each must name exactly one pending approval and be a valid decision for it
 * (any accepted shape). Throws {@link SafeguardsError}: INVALID_ARGUMENT (no decisions),
 * NOT_FOUND (unknown or already answered), CONFLICT (an ambiguous tool call id, or two
 * decisions for one call), or the decision's own refusal.
 */
export function buildResumeCommand(
  pending: readonly PendingApproval[],
  decisions: Readonly<Record<string, unknown>>,
): Command<Record<string, unknown>, never, never> {
  const keys = Object.keys(decisions ?? {});
  if (keys.length === 0) {
    throw new SafeguardsError(ErrorCode.INVALID_ARGUMENT, "No decisions given; nothing to resume");
  }
  const resume: Record<string, unknown> = {};
  for (const key of keys) {
    const matches = pending.filter((p) => p.toolCallId === key || p.interruptId === key);
    if (matches.length === 0) {
      throw new SafeguardsError(
        ErrorCode.NOT_FOUND,
        `No pending approval for ${key}: unknown or already answered (pending tool calls: ${pending.map((p) => p.toolCallId).join(", ") || "none"})`,
        {
          details: {
            key,
            pending: pending.map(({ interruptId, toolCallId, name }) => ({
              interruptId,
              toolCallId,
              name,
            })),
          },
        },
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
    normalizeDecision(decisions[key], callUnderReview(match.payload));
    resume[match.interruptId] = decisions[key];
  }
  return new Command({ resume });
}

/** `config` with LangGraph's strict resume flag (refuses un-keyed and stale resumes up front). */
export function strictResumeConfig<C extends RunnableConfig>(config: C): C {
  return { ...config, configurable: { ...config.configurable, __pregel_strict_resume: true } };
}

/**
 * Resumes a thread with decisions keyed by tool call id: lists the pending approvals, builds
 * the keyed command and invokes with the strict resume flag. Resolves to the graph's result
 * (which may hold new interrupts). A refused resume throws a {@link SafeguardsError} and
 * saves nothing: the thread still waits with the same interrupt ids.
 */
export async function resumeApprovals(
  graph: ResumableGraph,
  config: RunnableConfig,
  decisions: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  const command = buildResumeCommand(await listPendingApprovals(graph, config), decisions);
  try {
    return await graph.invoke(command, strictResumeConfig(config));
  } catch (error) {
    const refusal = safeguardsCause(error);
    if (refusal) throw refusal;
    if (isUnknownInterruptError(error)) {
      throw new SafeguardsError(
        ErrorCode.CONFLICT,
        `The approvals changed while resuming (answered elsewhere?); nothing was saved: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (isInvalidResume(error)) {
      throw new SafeguardsError(
        ErrorCode.INVALID_MODIFICATION,
        `The graph refused the decision; the thread still waits: ${(error as Error).message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The {@link SafeguardsError} in `error`'s cause chain (a middleware wraps what it throws). */
function safeguardsCause(error: unknown): SafeguardsError | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof SafeguardsError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
