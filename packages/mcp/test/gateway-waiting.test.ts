/**
 * What happens while a call waits, and when the upstream changes or dies, through a real
 * inbox on 127.0.0.1 and a gateway served over Streamable HTTP to an SDK client. Time is a
 * manual clock shared by the handler and the gateway.
 */

import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  createManualClock,
  definePolicies,
  HumanActionHandler,
  HumanInTheLoopChannel,
} from "@safeguards/core";
import {
  deferCleanup,
  eventually,
  inboxHandler,
  inboxWithReviewer,
  REVIEWER_TOKEN,
  startTestInbox,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { httpGateway } from "./support/gateway-fixture.js";
import paymentPolicies from "./support/policies.js";

const defer = deferCleanup();
const transfer = { name: "transfer_funds", arguments: { amount: "2500.00", to: "ACME" } };

/** An inbox, a channel to it, and a handler on a manual clock. */
async function clockedHandler() {
  const clock = createManualClock(Date.now());
  const { inbox, url } = await startTestInbox({ apiKeys: { "agent-key-bank-bot": "bank-bot" } });
  defer(() => inbox.close());
  const channel = new HumanInTheLoopChannel();
  await channel.initialize({ webhookUrl: url, apiKey: "agent-key-bank-bot", pollInterval: 0.2 });
  defer(() => channel.shutdown());
  const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
  defer(() => handler.shutdown());
  return { clock, handler, url };
}

async function inboxStatus(url: string, id: string): Promise<string> {
  const res = await fetch(`${url}/actions/${id}`, {
    headers: { authorization: `Bearer ${REVIEWER_TOKEN}` },
  });
  return ((await res.json()) as { status: string }).status;
}

describe("a held call", () => {
  it("tells a client that asked for progress that it waits, then times out as the policy says", async () => {
    const { clock, handler } = await clockedHandler();
    const policies = definePolicies({
      transfer_funds: { when: true, timeoutSeconds: 300, title: "Approve transfer" },
    });
    const { client, transfers } = await httpGateway(defer, {
      handler,
      policies,
      clock,
      progressIntervalMs: 60_000,
    });
    const progress: { progress: number; message?: string }[] = [];
    const answer = client.callTool(transfer, undefined, {
      onprogress: (p) => progress.push(p),
      timeout: 5_000,
    });
    await eventually(() => handler.pendingCount === 1 && progress.length === 1);
    expect(progress[0]?.message).toMatch(
      /^Waiting for a human decision: Approve transfer \(action mcp_[0-9a-f]{32}\)$/,
    );
    clock.advance(60_000);
    await eventually(() => progress.length === 2);
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    clock.advance(240_000); // the deadline: the handler asks the inbox, then waits its grace
    clock.advance(5_000);
    const result = await answer;
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toContain("No human decided in time");
    expect(result._meta?.["safeguards/status"]).toBe("timed_out");
    expect(transfers()).toEqual([]);
  });

  it("runs the original arguments on timeout when the policy's onTimeout is approve", async () => {
    const { clock, handler } = await clockedHandler();
    const policies = definePolicies({
      transfer_funds: { timeoutSeconds: 60, onTimeout: "approve" },
    });
    const { client, transfers } = await httpGateway(defer, { handler, policies, clock });
    const answer = client.callTool(transfer);
    await eventually(() => handler.pendingCount === 1);
    clock.advance(60_000);
    clock.advance(5_000);
    expect((await answer).isError).toBeFalsy();
    expect(transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
  });

  it("the client's cancellation cancels the pending action in the inbox; nothing runs", async () => {
    const { url, handler } = await inboxHandler(defer, "bank-bot");
    const { client, transfers } = await httpGateway(defer, { handler });
    const abort = new AbortController();
    const progress: { message?: string }[] = [];
    const answer = client.callTool(transfer, undefined, {
      signal: abort.signal,
      onprogress: (p) => progress.push(p),
    });
    await eventually(() => handler.pendingCount === 1 && progress.length === 1);
    const id = /action (mcp_[0-9a-f]+)/.exec(progress[0]?.message ?? "")?.[1] as string;
    abort.abort("changed my mind");
    await expect(answer).rejects.toThrow();
    await eventually(async () => (await inboxStatus(url, id)) === "cancelled");
    expect(handler.pendingCount).toBe(0);
    expect(transfers()).toEqual([]);
  });
});

describe("the upstream", () => {
  it("changing its tools reaches the client, and calls see the new list", async () => {
    const { handler, reviewer } = await inboxWithReviewer(defer, "bank-bot", () => [
      { type: "approve" },
    ]);
    const policies = definePolicies({ add_tool: false, audit_log: true });
    let changed = 0;
    const { client } = await httpGateway(defer, {
      handler,
      policies,
      setup: (c) =>
        c.setNotificationHandler(ToolListChangedNotificationSchema, () => {
          changed += 1;
        }),
    });
    const before = await client.callTool({ name: "audit_log", arguments: {} });
    expect(before.isError).toBe(true);
    expect((before.content as { text: string }[])[0]?.text).toContain('no tool named "audit_log"');
    await client.callTool({ name: "add_tool", arguments: {} });
    await eventually(() => changed > 0);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("audit_log");
    const after = await client.callTool({ name: "audit_log", arguments: {} });
    expect(after.content).toEqual([{ type: "text", text: "audit ok" }]);
    expect(reviewer.answers).toHaveLength(1);
  });

  it("dying mid-call answers the client with an error; later calls fail fast too", async () => {
    const { handler } = await inboxHandler(defer, "bank-bot");
    const { client } = await httpGateway(defer, { handler, policies: paymentPolicies });
    await expect(client.callTool({ name: "crash", arguments: {} })).rejects.toThrow(/closed/i);
    await expect(client.callTool({ name: "get_balance", arguments: {} })).rejects.toThrow();
  });

  it("dying while a call waits for a human: the action is withdrawn, the client hears why", async () => {
    const { url, handler } = await inboxHandler(defer, "bank-bot");
    const { client, transfers } = await httpGateway(defer, { handler });
    const progress: { message?: string }[] = [];
    const held = client.callTool(transfer, undefined, { onprogress: (p) => progress.push(p) });
    await eventually(() => handler.pendingCount === 1 && progress.length === 1);
    const id = /action (mcp_[0-9a-f]+)/.exec(progress[0]?.message ?? "")?.[1] as string;
    await expect(client.callTool({ name: "crash", arguments: {} })).rejects.toThrow(/closed/i);
    await expect(held).rejects.toThrow(/Connection closed/);
    expect(await inboxStatus(url, id)).toBe("cancelled");
    expect(transfers()).toEqual([]);
  });
});
