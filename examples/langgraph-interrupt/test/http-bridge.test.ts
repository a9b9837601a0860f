import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { isInterrupted } from "@langchain/langgraph";
import { HumanInTheLoopChannel } from "@safeguards/core";
import { createInboxBridge, listPendingApprovals } from "@safeguards/langgraph";
import { deferCleanup, SECRET, startTestInbox } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { AGENT_ID, buildAgent, THREAD_ID } from "../payments-agent.js";
import { decideAll } from "../reviewer.js";

const defer = deferCleanup();

describe("bridge over the HTTP inbox (callback and decision stream both deliver)", () => {
  it("resumes the thread once per decision and runs exactly what was decided", async () => {
    const dir = mkdtempSync(join(tmpdir(), "langgraph-http-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const { inbox, url } = await startTestInbox({
      apiKeys: { sk_test_agent_0123456789abcdef: AGENT_ID },
      reviewerTokens: { rt_test_reviewer_0123456789abcdef: "cfo" },
      // The agent's callback receiver is on 127.0.0.1 (internal): allow it explicitly.
      callbackUrls: (target) => target.hostname === "127.0.0.1",
    });
    defer(() => inbox.close());

    let forward: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    const receiver = createServer((req, res) => forward?.(req, res));
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    defer(() => new Promise((resolve) => receiver.close(resolve)));
    const port = (receiver.address() as AddressInfo).port;

    const channel = new HumanInTheLoopChannel();
    await channel.initialize({
      webhookUrl: url,
      apiKey: "sk_test_agent_0123456789abcdef",
      signingSecret: SECRET,
      callbackUrl: `http://127.0.0.1:${port}/cb`,
      longPollSeconds: 1,
    });
    forward = channel.createCallbackHandler();
    defer(() => channel.shutdown());

    const ran: string[] = [];
    const { graph } = buildAgent({ file: join(dir, "agent.db"), turn: "first", ran });
    const config = { configurable: { thread_id: THREAD_ID } };
    await graph.invoke({ messages: [new HumanMessage("go")] }, config);
    const resumes: unknown[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const bridge = createInboxBridge({
      graph,
      channel,
      onResumed: (_t, result) => {
        resumes.push(result);
        if (!isInterrupted(result)) done();
      },
    });
    defer(() => bridge.stop());
    expect(await bridge.file(THREAD_ID)).toHaveLength(3);

    await decideAll(url, "rt_test_reviewer_0123456789abcdef");
    await finished;
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the stream deliver again
    await bridge.idle();

    expect(ran).toEqual([
      "transfer_funds 1800.00 -> ACME Ltd",
      "close_account ACC-OLD-17",
      "get_balance ACC-MAIN",
    ]);
    expect(resumes.length).toBeGreaterThanOrEqual(1);
    expect(resumes.length).toBeLessThanOrEqual(3);
    expect(resumes.filter((r) => !isInterrupted(r))).toHaveLength(1);
    expect(channel.callbackStats?.accepted ?? 0).toBeGreaterThanOrEqual(1);
    expect(await listPendingApprovals(graph, config)).toEqual([]);
  }, 60_000);
});
