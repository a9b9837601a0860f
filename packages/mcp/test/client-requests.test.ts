/**
 * Requests and notifications from the upstream to the client, through the gateway: a real
 * SDK upstream (stdio) that asks its client for sampling, elicitation and roots and sends
 * notifications, the gateway served over Streamable HTTP, and SDK clients with and without
 * the matching capabilities. (Over stdio, through the CLI: cli-client-requests.test.ts.)
 */
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  type CreateMessageResult,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { approvals, deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { clientSupports } from "../src/client-requests.js";
import { UPSTREAM_ELICITATION_MARK } from "../src/index.js";
import { ASKING_SERVER, httpGateway } from "./support/gateway-fixture.js";

const defer = deferCleanup();

async function asking(clientOptions: ClientOptions = {}, setup?: (client: Client) => void) {
  return httpGateway(defer, {
    handler: approvals().handler,
    server: ASKING_SERVER,
    clientOptions,
    ...(setup ? { setup } : {}),
  });
}

/** What the upstream's tool got back: `{ answer }` or `{ error: { code, message, data } }`. */
async function ask(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  return JSON.parse((result.content as { text: string }[])[0]?.text ?? "null");
}

const modelAnswer: CreateMessageResult = {
  role: "assistant",
  content: { type: "text", text: "An invoice for 120.00" },
  model: "test-model",
};

describe("requests from the upstream to the client", () => {
  it("sampling reaches a client that declared it, and its answer reaches the upstream", async () => {
    const seen: unknown[] = [];
    const { client } = await asking({ capabilities: { sampling: {} } }, (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, (request) => {
        seen.push(request.params.messages);
        return modelAnswer;
      }),
    );
    expect(await ask(client, "ask_model")).toEqual({ answer: modelAnswer });
    expect(seen).toEqual([
      [{ role: "user", content: { type: "text", text: "Summarise the invoice" } }],
    ]);
  });

  it("the upstream's cancellation (its timeout) withdraws the forwarded request", async () => {
    let signal: AbortSignal | undefined;
    const { client } = await asking({ capabilities: { sampling: {} } }, (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, (_request, extra) => {
        signal = extra.signal;
        return new Promise<CreateMessageResult>(() => {}); // never answers
      }),
    );
    const answer = await ask(client, "ask_model", { timeoutMs: 300 });
    expect(answer.error.code).toBe(-32001); // the upstream's own request timeout
    await eventually(() => signal?.aborted === true);
  });

  it("an elicitation is marked as the upstream's question; the answer goes to the upstream", async () => {
    const messages: string[] = [];
    const { client, transfers } = await asking(
      { capabilities: { elicitation: { form: {} } } },
      (c) =>
        c.setRequestHandler(ElicitRequestSchema, (request) => {
          messages.push(request.params.message);
          return { action: "accept", content: { decision: "approve" } };
        }),
    );
    expect(await ask(client, "ask_user")).toEqual({
      answer: { action: "accept", content: { decision: "approve" } },
    });
    expect(messages).toEqual([
      `${UPSTREAM_ELICITATION_MARK}\n\nApprove transfer_funds? Choose approve to run the call.`,
    ]);
    expect(transfers()).toEqual([]);
  });

  it("roots come from a client that declared them; its list_changed reaches the upstream", async () => {
    const roots = [{ uri: "file:///work/invoices", name: "invoices" }];
    const { client } = await asking({ capabilities: { roots: { listChanged: true } } }, (c) =>
      c.setRequestHandler(ListRootsRequestSchema, () => ({ roots })),
    );
    expect(await ask(client, "list_roots")).toEqual({ answer: { roots } });
    await client.sendRootsListChanged();
    await eventually(async () => (await ask(client, "roots_changed")).answer === 1);
  });

  it("a client without the capabilities: the upstream gets the SDK's Method not found", async () => {
    const { client } = await asking();
    for (const tool of ["ask_model", "ask_user", "list_roots"]) {
      const { error } = await ask(client, tool);
      expect(error).toMatchObject({ code: -32601, message: "MCP error -32601: Method not found" });
    }
  });

  it("clientRequests: false forwards nothing: the upstream gets the SDK's Method not found", async () => {
    let asked = 0;
    const { client } = await httpGateway(defer, {
      handler: approvals().handler,
      server: ASKING_SERVER,
      clientRequests: false,
      clientOptions: { capabilities: { sampling: {} } },
      setup: (c) =>
        c.setRequestHandler(CreateMessageRequestSchema, () => {
          asked += 1;
          return modelAnswer;
        }),
    });
    const { error } = await ask(client, "ask_model");
    // The gateway's upstream client has no handler: the SDK's own answer.
    expect(error).toEqual({ code: -32601, message: "MCP error -32601: Method not found" });
    expect(asked).toBe(0);
  });

  it("several client sessions: nobody is asked, the upstream hears why", async () => {
    let asked = 0;
    const { client, url } = await asking({ capabilities: { sampling: {} } }, (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, () => {
        asked += 1;
        return modelAnswer;
      }),
    );
    const second = new Client({ name: "second", version: "1.0.0" });
    await second.connect(new StreamableHTTPClientTransport(new URL(url)));
    defer(() => second.close());
    const { error } = await ask(client, "ask_model");
    expect(error.code).toBe(-32601);
    expect(error.data.reason).toContain("Several MCP clients");
    expect(asked).toBe(0);
    // A session ends when its client ends it (DELETE), not when it merely disconnects.
    await (second.transport as StreamableHTTPClientTransport).terminateSession();
    await eventually(async () => (await ask(client, "ask_model")).answer !== undefined);
    expect(asked).toBe(1);
  });
});

describe("which client capability a forwarded request needs", () => {
  it("sampling with tools needs sampling.tools; URL elicitation needs elicitation.url", () => {
    const tools = { messages: [], maxTokens: 1, tools: [] };
    expect(clientSupports({ sampling: {} }, "sampling/createMessage", { maxTokens: 1 })).toBe(true);
    expect(clientSupports({ sampling: {} }, "sampling/createMessage", tools)).toBe(false);
    expect(clientSupports({ sampling: { tools: {} } }, "sampling/createMessage", tools)).toBe(true);
    expect(clientSupports({ elicitation: {} }, "elicitation/create", { message: "?" })).toBe(true);
    expect(clientSupports({ elicitation: { url: {} } }, "elicitation/create", {})).toBe(false);
    const url = { mode: "url", url: "https://example.com" };
    expect(clientSupports({ elicitation: { form: {} } }, "elicitation/create", url)).toBe(false);
    expect(clientSupports({ elicitation: { url: {} } }, "elicitation/create", url)).toBe(true);
    expect(clientSupports({}, "roots/list", {})).toBe(false);
  });
});

describe("notifications from the upstream", () => {
  it("logging, resources/updated and the list changes of resources and prompts reach the client", async () => {
    const { client } = await asking();
    const got: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      got.push(`log ${n.params.level} ${String(n.params.data)}`);
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      got.push(`updated ${n.params.uri}`);
    });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      got.push("resources changed");
    });
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
      got.push("prompts changed");
    });
    await client.callTool({ name: "notify", arguments: {} });
    await eventually(() => got.length === 4);
    expect(got.sort()).toEqual([
      "log info hello",
      "prompts changed",
      "resources changed",
      "updated asking://state",
    ]);
  });
});
