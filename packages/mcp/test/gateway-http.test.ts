/**
 * The gateway over Streamable HTTP with the official SDK on both sides: a real payments MCP
 * server upstream (stdio), an SDK client, and a real inbox on 127.0.0.1 whose reviewer
 * decides over HTTP.
 */

import {
  ProgressNotificationSchema,
  ResourceListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import {
  deferCleanup,
  eventually,
  type InboxRecord,
  inboxHandler,
  inboxWithReviewer,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { httpGateway } from "./support/gateway-fixture.js";

const defer = deferCleanup();

async function throughInbox(decide: (record: InboxRecord) => unknown[]) {
  const { url, handler, reviewer } = await inboxWithReviewer(defer, "bank-bot", decide);
  const fixture = await httpGateway(defer, { handler });
  return { ...fixture, reviewer, inboxUrl: url };
}

const transfer = { name: "transfer_funds", arguments: { amount: "2500.00", to: "ACME" } };

describe("approval gateway over Streamable HTTP, decided in the inbox", () => {
  it("lists exactly the upstream's tools", async () => {
    const { client, gateway } = await throughInbox(() => []);
    const direct = await gateway.upstream.listTools();
    const listed = await client.listTools();
    expect(listed.tools).toEqual(direct.tools);
    expect(listed.tools.map((t) => t.name)).toContain("transfer_funds");
  });

  it("an approved transfer runs upstream with exactly the filed arguments", async () => {
    const seen: InboxRecord[] = [];
    const { client, transfers, reviewer } = await throughInbox((record) => {
      seen.push(record);
      return [{ type: "approve" }];
    });
    const result = await client.callTool(transfer);
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: "text", text: "Transferred 2500.00 to ACME" }]);
    expect(transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
    expect(reviewer.answers.map((a) => a.status)).toEqual([200]);
    const record = seen[0] as InboxRecord & { description: string; agent_id: string };
    expect(record.title).toBe("Approve $2500.00 transfer");
    expect(record.description).toBe("Transfer 2500.00 to ACME");
    expect(record.agent_id).toBe("bank-bot");
    expect(record.action?.args).toEqual({ amount: "2500.00", to: "ACME" });
    const schema = (record.action as { args_schema?: { properties: object } }).args_schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(["amount", "to"]);
  });

  it("a modification runs upstream with the reviewer's arguments and tells the model", async () => {
    const { client, transfers } = await throughInbox(() => [
      { type: "modify", response_data: { amount: "1800.00" }, comments: "cap it" },
    ]);
    const result = await client.callTool(transfer);
    expect(transfers()).toEqual([{ amount: "1800.00", to: "ACME" }]);
    const texts = (result.content as { text: string }[]).map((c) => c.text);
    expect(texts[1]).toBe("Transferred 1800.00 to ACME");
    expect(texts[0]).toContain("1800.00");
  });

  it("a modification that breaks the input schema never reaches the upstream", async () => {
    const { client, transfers, reviewer } = await throughInbox(() => [
      { type: "modify", response_data: { amount: "lots" } },
      { type: "reject", comments: "fine, no" },
    ]);
    const result = await client.callTool(transfer);
    // The inbox checks args_schema too: the bad modification is refused there (422).
    expect(reviewer.answers.map((a) => a.status)).toEqual([422, 200]);
    expect(result.isError).toBe(true);
    expect(transfers()).toEqual([]);
  });

  it("a rejection answers isError with the reviewer's reason and does not call the upstream", async () => {
    const { client, transfers } = await throughInbox(() => [
      { type: "reject", comments: "payee not verified" },
    ]);
    const result = await client.callTool(transfer);
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]?.text;
    expect(text).toContain("payee not verified");
    expect(result._meta?.["safeguards/status"]).toBe("rejected");
    expect(transfers()).toEqual([]);
  });

  it("an un-flagged call passes through unchanged, progress included, with no request filed", async () => {
    const { client, gateway, reviewer } = await throughInbox(() => [{ type: "approve" }]);
    // Read progress with a handler of our own: the SDK client's onprogress drops a
    // notification that arrives in the same chunk as the answer (its handler is gone by then).
    const progress: unknown[] = [];
    client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      progress.push(n.params);
    });
    const small = await client.callTool({
      name: "transfer_funds",
      arguments: { amount: "10.00", to: "ACME" },
    });
    const balance = await client.callTool({ name: "get_balance", arguments: {} }, undefined, {
      onprogress: () => {},
    });
    const direct = await gateway.upstream.callTool({ name: "get_balance", arguments: {} });
    expect(balance).toEqual(direct);
    expect(balance._meta).toEqual({ currency: "USD" });
    const token = (progress[0] as { progressToken?: unknown } | undefined)?.progressToken;
    expect(progress).toEqual([
      { progressToken: token, progress: 1, total: 2, message: "step 1" },
      { progressToken: token, progress: 2, total: 2, message: "step 2" },
    ]);
    expect(typeof token).toBe("number"); // the client's own token, not the gateway's
    expect(small.structuredContent).toEqual({ amount: "10.00", to: "ACME" });
    expect(reviewer.answers).toEqual([]);
  });

  it("upstream errors come back as the upstream gave them", async () => {
    const { client, gateway } = await throughInbox(() => []);
    const failing = { name: "refund", arguments: { id: "r1" } };
    const through = await client.callTool(failing);
    expect(through.isError).toBe(true);
    expect(through).toEqual(await gateway.upstream.callTool(failing));
    const invalid = { name: "refund", arguments: { id: 5 } };
    expect(await client.callTool(invalid)).toEqual(await gateway.upstream.callTool(invalid));
    const unknown = { name: "no_such_tool", arguments: {} };
    const directly = await gateway.upstream.callTool(unknown).catch((e: unknown) => e);
    expect(await client.callTool(unknown).catch((e: unknown) => e)).toEqual(directly);
  });

  it("a call that cannot be filed (the inbox refuses the gateway's agent id) is refused, not run", async () => {
    const { handler } = await inboxHandler(defer, "other-bot"); // its key acts for other-bot
    const { client, transfers } = await httpGateway(defer, { handler });
    const result = await client.callTool(transfer);
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]?.text;
    expect(text).toContain("could not be filed");
    expect(text).toContain("403");
    expect(result._meta?.["safeguards/status"]).toBe("failed");
    expect(transfers()).toEqual([]);
  });

  it("resources and prompts pass through unchanged", async () => {
    const { client, gateway } = await throughInbox(() => []);
    expect(await client.listResources()).toEqual(await gateway.upstream.listResources());
    const read = await client.readResource({ uri: "payments://balance" });
    expect(read.contents).toEqual([{ uri: "payments://balance", text: "10000.00" }]);
    expect(await client.listPrompts()).toEqual(await gateway.upstream.listPrompts());
    const prompt = await client.getPrompt({ name: "pay_invoice", arguments: { invoice: "INV-7" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Pay invoice INV-7" });
    let changed = 0;
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      changed += 1;
    });
    await client.callTool({ name: "add_resource", arguments: {} });
    await eventually(() => changed > 0);
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toContain("payments://limits");
  });
});
