/**
 * @module served-graph
 * A graph served by the LangGraph server, in the shape the inbox bridge drives
 * (`ResumableGraph`: `getState(config, { subgraphs: true })` and `invoke(Command)`), made
 * with the official SDK `Client` (2.0.0).
 *
 * Why not `RemoteGraph` from `@langchain/langgraph/remote` (1.7.3)? Checked against
 * `langgraphjs dev` 2.0.0: its `getState(config, { subgraphs: true })` is answered with
 * HTTP 400 (it uses the SDK 1.x that `@langchain/langgraph` depends on, which posts
 * `subgraphs: true` to `/threads/{id}/state/checkpoint`, where the server wants a string);
 * it renames each interrupt's `id` to `interrupt_id`; a task waiting for a human comes back
 * with `result: null`; and its `invoke` throws `GraphInterrupt` whenever the run stops at an
 * interrupt. Its source also shows that it drops every `__pregel_*` key of the config.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Command } from "@langchain/langgraph";
import type { Client } from "@langchain/langgraph-sdk";
import type { ResumableGraph } from "@safeguards/langgraph";

interface ServedTask {
  result?: unknown;
  interrupts?: { id?: string; value?: unknown }[];
}

/**
 * The message of a failed run: the server wraps the node's error as JSON
 * (`{"error":"SafeguardsError","message":"..."}`); this returns the inner message.
 */
export function runError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const json = text.slice(Math.max(0, text.indexOf("{")));
  try {
    const { message } = JSON.parse(json) as { message?: unknown };
    if (typeof message === "string") return message;
  } catch {
    // not the server's wrapping
  }
  return text;
}

function threadOf(config: RunnableConfig): string {
  const threadId = config.configurable?.thread_id;
  if (typeof threadId !== "string") throw new Error("config.configurable.thread_id is required");
  return threadId;
}

/** `graphId` on the server `client` talks to, as a graph the inbox bridge can resume. */
export function servedGraph(client: Client, graphId: string): ResumableGraph {
  return {
    async getState(config, options) {
      const state = await client.threads.getState(threadOf(config), undefined, options);
      // a task still waiting has `result: null` on the server; the bridge counts `undefined`
      const tasks = (state.tasks as ServedTask[]).map((task) => ({
        ...task,
        result: task.result ?? undefined,
      }));
      return { ...state, tasks };
    },
    async invoke(input: Command, config: RunnableConfig) {
      // thread_id is the URL; the rest (LangGraph's strict-resume flag) goes to the server
      const { thread_id: _thread, ...configurable } = config.configurable ?? {};
      try {
        return await client.runs.wait(threadOf(config), graphId, {
          command: { resume: input.resume },
          config: { configurable },
        });
      } catch (error) {
        throw new Error(`run on ${graphId} failed: ${runError(error)}`, { cause: error });
      }
    },
  };
}
