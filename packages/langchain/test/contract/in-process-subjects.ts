/**
 * @module contract/in-process-subjects
 * The contract's subjects run in this process with a `MemorySaver`: the graph is invoked with
 * `Command({ resume })` exactly as a client's value arrives, without the strict flag.
 */
import { Command, MemorySaver } from "@langchain/langgraph";
import { listPendingApprovals } from "@safeguards/langgraph";
import { approvalGraph, middlewareAgent, script, toolResults } from "./agents.js";
import type { ContractSubject, ContractThread, ResumeAnswer } from "./resume-contract.js";

type Graph = ReturnType<typeof approvalGraph>;

let threads = 0;

function subject(
  name: string,
  oneAtATime: boolean,
  build: (saver: MemorySaver) => Graph,
): ContractSubject {
  return {
    name,
    oneAtATime,
    async start(calls) {
      const graph = build(new MemorySaver());
      const config = { configurable: { thread_id: `contract-${++threads}` } };
      await graph.invoke({ messages: [script(calls)] }, config);
      const answer = async (run: () => Promise<unknown>): Promise<ResumeAnswer> => {
        try {
          await run();
          return { ok: true };
        } catch (error) {
          const e = error as { message?: string; code?: string };
          return { ok: false, message: String(e.message), ...(e.code ? { code: e.code } : {}) };
        }
      };
      const thread: ContractThread = {
        resume: (value) => answer(() => graph.invoke(new Command({ resume: value }), config)),
        continueRun: () => answer(() => graph.invoke(null, config)),
        async pending() {
          return (await listPendingApprovals(graph, config)).map((p) => ({
            interruptId: p.interruptId,
            toolCallId: p.toolCallId,
          }));
        },
        async results() {
          const state = await graph.getState(config);
          return toolResults((state.values as { messages: unknown[] }).messages);
        },
      };
      return thread;
    },
  };
}

/** Both adapters, with and without `oneAtATime`, in this process. */
export const inProcessSubjects: ContractSubject[] = [
  subject("createApprovalNode (in-process)", false, (checkpointer) =>
    approvalGraph({ checkpointer }),
  ),
  subject("createApprovalNode oneAtATime (in-process)", true, (checkpointer) =>
    approvalGraph({ checkpointer, oneAtATime: true }),
  ),
  subject(
    "approvalMiddleware (in-process)",
    false,
    (checkpointer) => middlewareAgent({ checkpointer }).graph as unknown as Graph,
  ),
  subject(
    "approvalMiddleware oneAtATime (in-process)",
    true,
    (checkpointer) => middlewareAgent({ checkpointer, oneAtATime: true }).graph as unknown as Graph,
  ),
];
