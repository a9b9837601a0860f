/**
 * @module served-graph
 * A graph served by the LangGraph server (`langgraphjs dev`, LangGraph Platform), in the
 * shape the resume helpers and the inbox bridge drive (`ResumableGraph`), over the official
 * SDK `Client` (`@langchain/langgraph-sdk` 2.x; any object with the two methods used fits).
 *
 * Why not `RemoteGraph` from `@langchain/langgraph/remote` (1.7.3)? Checked against
 * `langgraphjs dev` 2.0.0: its `getState(config, { subgraphs: true })` is answered with HTTP
 * 400 (it uses SDK 1.x, which sends `subgraphs` as a boolean), it renames each interrupt's
 * `id` to `interrupt_id`, and its `invoke` throws `GraphInterrupt` whenever the run stops at
 * an interrupt; it also drops every `__pregel_*` key of the config (the strict-resume flag).
 *
 * A run the graph refuses arrives as text (`{"error":"SafeguardsError","message":"..."}`);
 * `invoke` checks the resume again here with core's `checkResume` against the pending
 * approvals, so the caller gets the same `SafeguardsError` (code, `details.problems`) as
 * in-process, and the inbox bridge can turn a refused decision into a rejection.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Command } from "@langchain/langgraph";
import { ErrorCode, SafeguardsError } from "@safeguards/core";
import { checkResume, type ResumeInput } from "@safeguards/core/interrupts";
import { listPendingApprovals, type ResumableGraph } from "./resume.js";

/** The part of the SDK `Client` a served graph uses. */
export interface ServerClientLike {
  threads: {
    getState(
      threadId: string,
      checkpoint?: undefined,
      options?: { subgraphs?: boolean },
    ): Promise<unknown>;
  };
  runs: {
    wait(threadId: string, graphId: string, payload: Record<string, unknown>): Promise<unknown>;
  };
}

interface ServedTask {
  result?: unknown;
  interrupts?: { id?: string; value?: unknown }[];
}

/**
 * The message of a failed run: the server wraps the node's error as JSON
 * (`Error: {"error":"SafeguardsError","message":"..."}`); this returns the inner message.
 */
export function runErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const start = text.indexOf("{");
  if (start >= 0) {
    try {
      const { message } = JSON.parse(text.slice(start)) as { message?: unknown };
      if (typeof message === "string") return message;
    } catch {
      // not the server's wrapping
    }
  }
  return text;
}

function threadOf(config: RunnableConfig): string {
  const threadId = config.configurable?.thread_id;
  if (typeof threadId !== "string" || threadId.length === 0) {
    throw new SafeguardsError(
      ErrorCode.INVALID_ARGUMENT,
      "config.configurable.thread_id is required",
    );
  }
  return threadId;
}

/** `graphId` on the server `client` talks to, as a graph the resume helpers and the bridge drive. */
export function servedGraph(client: ServerClientLike, graphId: string): ResumableGraph {
  const graph: ResumableGraph = {
    async getState(config, options) {
      const state = (await client.threads.getState(threadOf(config), undefined, options)) as {
        tasks?: ServedTask[];
      };
      // a task still waiting has `result: null` on the server
      const tasks = (state.tasks ?? []).map((task) => ({
        ...task,
        result: task.result ?? undefined,
      }));
      return { ...state, tasks };
    },
    async invoke(input: Command, config: RunnableConfig) {
      const threadId = threadOf(config);
      // thread_id is in the URL; the rest (LangGraph's strict-resume flag) goes to the server
      const { thread_id: _thread, ...configurable } = config.configurable ?? {};
      const pending = await listPendingApprovals(graph, config);
      try {
        return await client.runs.wait(threadId, graphId, {
          command: { resume: input.resume },
          config: { configurable },
        });
      } catch (error) {
        const message = runErrorMessage(error);
        if (input.resume === undefined) {
          throw new SafeguardsError(
            ErrorCode.PROTOCOL,
            `The run on ${graphId} failed: ${message}`,
            {
              cause: error,
            },
          );
        }
        const resume: ResumeInput = isKeyed(
          input.resume,
          pending.map((p) => p.interruptId),
        )
          ? { keyed: true, values: input.resume as Record<string, unknown> }
          : { keyed: false, value: input.resume };
        // the same check as the graph's: the same SafeguardsError, with its code and details
        await checkResume(
          pending.map((p) => ({ interruptId: p.interruptId, value: p.payload })),
          resume,
        );
        throw new SafeguardsError(ErrorCode.PROTOCOL, `The run on ${graphId} failed: ${message}`, {
          cause: error,
        });
      }
    },
  };
  return graph;
}

function isKeyed(resume: unknown, ids: readonly string[]): boolean {
  if (typeof resume !== "object" || resume === null || Array.isArray(resume)) return false;
  const keys = Object.keys(resume);
  return keys.length > 0 && keys.every((k) => ids.includes(k) || /^[0-9a-f]{32}$/.test(k));
}
