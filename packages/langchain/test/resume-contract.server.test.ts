/**
 * The resume contract against the official LangGraph server (`langgraphjs dev` from
 * @langchain/langgraph-cli 2.0.0) driven by the official SDK (@langchain/langgraph-sdk 2.0.0):
 * the same tests as resume-contract.test.ts, with the same agents, served.
 */
import { fileURLToPath } from "node:url";
import { ErrorCode, InProcessApprovalChannel, isSafeguardsError } from "@safeguards/core";
import {
  createInboxBridge,
  listPendingApprovals,
  resumeApprovals,
  servedGraph,
} from "@safeguards/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { script, toolResults } from "./contract/agents.js";
import { describeResumeContract } from "./contract/resume-contract.js";
import { SERVED_GRAPHS, serverSubjects } from "./contract/server-subjects.js";
import { type LangGraphServer, startLangGraphServer } from "./support/langgraph-server.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
let server: LangGraphServer | undefined;

beforeAll(async () => {
  const graphs = Object.fromEntries(
    Object.entries(SERVED_GRAPHS).map(([id, name]) => [id, `./test/contract/agents.ts:${name}`]),
  );
  server = await startLangGraphServer({ cwd: PACKAGE_DIR, graphs });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

for (const subject of serverSubjects(() => server!.client)) describeResumeContract(subject, 60_000);

describe("servedGraph: a served graph for the resume helpers and the inbox bridge", () => {
  const calls = [
    { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "call_small" },
    { name: "transfer_funds", args: { amount: "90000.00", to: "EVIL" }, id: "call_big" },
  ];
  const startThread = async (graphId: string) => {
    const client = server!.client;
    const { thread_id } = await client.threads.create();
    await client.runs.wait(thread_id, graphId, { input: { messages: [script(calls)] } });
    return { graph: servedGraph(client, graphId), config: { configurable: { thread_id } } };
  };

  it("lists, refuses (the same SafeguardsError as in-process) and resumes a served thread", async () => {
    const { graph, config } = await startThread("middleware");
    const pending = await listPendingApprovals(graph, config);
    expect(pending.map((p) => p.toolCallId)).toEqual(["call_small", "call_big"]);
    const refused = await resumeApprovals(graph, config, {
      call_small: {
        type: "edit",
        editedAction: { name: "transfer_funds", args: { amount: "lots", to: "ACME" } },
      },
      call_big: { type: "approve" },
    }).catch((e) => e);
    expect(isSafeguardsError(refused, ErrorCode.INVALID_MODIFICATION)).toBe(true);
    expect((refused as { details: { problems: unknown } }).details.problems).toEqual([
      expect.objectContaining({ toolCallId: "call_small" }),
    ]);
    expect((await listPendingApprovals(graph, config)).map((p) => p.interruptId)).toEqual(
      pending.map((p) => p.interruptId),
    );
    await resumeApprovals(graph, config, {
      call_small: { type: "approve" },
      call_big: { type: "reject", comments: "no" },
    });
    const state = await server!.client.threads.getState(config.configurable.thread_id);
    const results = toolResults((state.values as { messages: unknown[] }).messages);
    expect(results.call_small).toMatchObject({ ran: true, count: 1 });
    expect(results.call_big).toMatchObject({ ran: false, count: 1 });
  });

  it("the inbox bridge files a served thread's approvals and resumes it with the decisions", async () => {
    const { graph, config } = await startThread("approval_node");
    const channel = new InProcessApprovalChannel();
    const bridge = createInboxBridge({ graph, channel });
    try {
      await bridge.file(config.configurable.thread_id);
      const request = (id: string) =>
        channel.pending().find((r) => r.metadata.tool_call_id === id)!;
      channel.modify(request("call_small").id, { amount: "1800.00" });
      channel.reject(request("call_big").id, { comments: "unknown payee" });
      await bridge.idle();
      expect(await listPendingApprovals(graph, config)).toEqual([]);
      const state = await server!.client.threads.getState(config.configurable.thread_id);
      const results = toolResults((state.values as { messages: unknown[] }).messages);
      expect(results.call_small!.content).toContain("Transferred 1800.00 to ACME");
      expect(results.call_big).toMatchObject({ ran: false, count: 1 });
    } finally {
      bridge.stop();
    }
  });
});
