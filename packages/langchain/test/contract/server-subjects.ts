/**
 * @module contract/server-subjects
 * The contract's subjects served by the official LangGraph server (`langgraphjs dev`, in
 * memory, its own checkpointer) and driven by the official SDK client, as Agent Inbox and
 * Agent Chat UI drive it: `runs.wait(thread, graph, { command: { resume } })`.
 */
import type { Client } from "@langchain/langgraph-sdk";
import { isApprovalPayload, runErrorMessage } from "@safeguards/langgraph";
import type { ScriptedCall } from "./agents.js";
import { toolResults } from "./agents.js";
import type { ContractSubject, ContractThread, ResumeAnswer } from "./resume-contract.js";

/** Graph ids served from ./contract/agents.ts (ids -> export names). */
export const SERVED_GRAPHS = {
  approval_node: "servedApprovalGraph",
  approval_node_one_at_a_time: "servedApprovalGraphOneAtATime",
  middleware: "servedMiddlewareAgent",
  middleware_one_at_a_time: "servedMiddlewareAgentOneAtATime",
} as const;

interface TaskState {
  interrupts?: { id?: string; value?: unknown }[];
  result?: unknown;
}

function subject(
  client: () => Client,
  name: string,
  graphId: keyof typeof SERVED_GRAPHS,
  oneAtATime: boolean,
): ContractSubject {
  return {
    name,
    oneAtATime,
    async start(calls: ScriptedCall[]) {
      const sdk = client();
      const { thread_id: threadId } = await sdk.threads.create();
      await sdk.runs.wait(threadId, graphId, {
        input: { messages: [{ role: "user", content: JSON.stringify({ calls }) }] },
      });
      const answer = async (run: () => Promise<unknown>): Promise<ResumeAnswer> => {
        try {
          await run();
          return { ok: true };
        } catch (error) {
          return { ok: false, message: runErrorMessage(error) };
        }
      };
      const thread: ContractThread = {
        resume: (value) =>
          answer(() => sdk.runs.wait(threadId, graphId, { command: { resume: value } })),
        continueRun: () => answer(() => sdk.runs.wait(threadId, graphId, { input: null })),
        async pending() {
          const state = await sdk.threads.getState(threadId, undefined, { subgraphs: true });
          const seen = new Set<string>();
          const pending: { interruptId: string; toolCallId: string }[] = [];
          for (const task of (state.tasks ?? []) as TaskState[]) {
            if (task.result !== undefined && task.result !== null) continue;
            for (const item of task.interrupts ?? []) {
              if (!item.id || seen.has(item.id) || !isApprovalPayload(item.value)) continue;
              seen.add(item.id);
              pending.push({ interruptId: item.id, toolCallId: item.value.tool_call_id });
            }
          }
          return pending;
        },
        async results() {
          const state = await sdk.threads.getState(threadId);
          return toolResults((state.values as { messages?: unknown[] }).messages ?? []);
        },
      };
      return thread;
    },
  };
}

/** Both adapters, with and without `oneAtATime`, on the LangGraph server. */
export function serverSubjects(client: () => Client): ContractSubject[] {
  return [
    subject(client, "createApprovalNode (LangGraph server + SDK)", "approval_node", false),
    subject(
      client,
      "createApprovalNode oneAtATime (LangGraph server + SDK)",
      "approval_node_one_at_a_time",
      true,
    ),
    subject(client, "approvalMiddleware (LangGraph server + SDK)", "middleware", false),
    subject(
      client,
      "approvalMiddleware oneAtATime (LangGraph server + SDK)",
      "middleware_one_at_a_time",
      true,
    ),
  ];
}
