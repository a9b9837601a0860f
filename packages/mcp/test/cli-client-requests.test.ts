/**
 * Requests from the upstream to the client through the `safeguards-mcp` CLI (a spawned
 * process): an SDK client over stdio in front of the asking upstream over stdio, and an SDK
 * client over Streamable HTTP (`--http`) in front of an upstream reached with
 * `--upstream-url` (a gateway in this process, serving the asking upstream over HTTP).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Client as SdkClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  type CreateMessageResult,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { definePolicies } from "@safeguards/core";
import { approvals, deferCleanup, eventually, inboxWithReviewer } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { createApprovalGateway, serveHttp, UPSTREAM_ELICITATION_MARK } from "../src/index.js";
import { spawnCli } from "./support/cli-process.js";
import { ASKING_SERVER, cliArgs, tsProcess } from "./support/gateway-fixture.js";

const defer = deferCleanup();
const quote = (words: string[]) => words.map((w) => `'${w}'`).join(" ");
const asking = tsProcess(ASKING_SERVER);
const modelAnswer: CreateMessageResult = {
  role: "assistant",
  content: { type: "text", text: "An invoice for 120.00" },
  model: "test-model",
};

/** Declares sampling and elicitation and answers both; records the elicitation messages. */
function answering(client: Client): string[] {
  const messages: string[] = [];
  client.setRequestHandler(CreateMessageRequestSchema, () => modelAnswer);
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    messages.push(request.params.message);
    return { action: "decline" };
  });
  return messages;
}

const capabilities = { capabilities: { sampling: {}, elicitation: { form: {} } } };

async function ask(client: Client, name: string) {
  const result = await client.callTool({ name, arguments: {} });
  return JSON.parse((result.content as { text: string }[])[0]?.text ?? "null");
}

describe("safeguards-mcp forwards the upstream's requests to the client", {
  timeout: 60_000,
}, () => {
  it("over stdio on both sides: sampling, a marked elicitation, and logging", async () => {
    const { url } = await inboxWithReviewer(defer, "bank-bot", () => []);
    const cli = spawnCli(
      cliArgs(["--upstream-command", quote([asking.command, ...asking.args])], url),
    );
    defer(() => cli.kill());
    const client = new SdkClient({ name: "stdio-client", version: "1.0.0" }, capabilities);
    const messages = answering(client);
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    await cli.connect(client);
    defer(() => client.close());
    expect(await ask(client, "ask_model")).toEqual({ answer: modelAnswer });
    expect(await ask(client, "ask_user")).toEqual({ answer: { action: "decline" } });
    expect(messages[0]?.startsWith(`${UPSTREAM_ELICITATION_MARK}\n\n`)).toBe(true);
    await client.callTool({ name: "notify", arguments: {} });
    await eventually(() => logs.includes("hello"));
  });

  it("over Streamable HTTP on both sides (--upstream-url, --http)", async () => {
    const upstream = await createApprovalGateway({
      upstream: { ...asking, stderr: "ignore" },
      policies: definePolicies({}, { default: false }),
      handler: approvals().handler,
    });
    defer(() => upstream.close());
    const endpoint = await serveHttp(upstream);
    defer(() => endpoint.close());
    const { url: inbox } = await inboxWithReviewer(defer, "bank-bot", () => []);
    const cli = spawnCli([...cliArgs(["--upstream-url", endpoint.url], inbox), "--http", "0"]);
    defer(() => cli.kill());
    await eventually(() => cli.stderr().includes("listening: "), 30_000);
    const url = /listening: (\S+)/.exec(cli.stderr())?.[1] as string;
    const client = new SdkClient({ name: "http-client", version: "1.0.0" }, capabilities);
    const messages = answering(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    defer(() => client.close());
    expect(await ask(client, "ask_model")).toEqual({ answer: modelAnswer });
    expect(await ask(client, "ask_user")).toEqual({ answer: { action: "decline" } });
    // Two gateways in a row: each marks the question it passes on.
    expect(messages[0]).toContain(`${UPSTREAM_ELICITATION_MARK}\n\n${UPSTREAM_ELICITATION_MARK}`);
  });
});
