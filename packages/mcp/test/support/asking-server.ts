/**
 * A real upstream MCP server written with the SDK (stdio) that asks its client things: its
 * tools send `sampling/createMessage`, `elicitation/create` and `roots/list` and answer with
 * what came back (or the JSON-RPC error), send logging, resource and prompt notifications,
 * and report how many `notifications/roots/list_changed` reached the server.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const server = new McpServer(
  { name: "asking", version: "1.0.0" },
  { capabilities: { logging: {} } },
);
let rootsChanged = 0;
server.server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
  rootsChanged += 1;
});

/** The answer (or the error's code, message and data) as the tool's text. */
async function reply(ask: () => Promise<unknown>) {
  try {
    return { content: [{ type: "text" as const, text: JSON.stringify({ answer: await ask() }) }] };
  } catch (error) {
    const { code, message, data } = error as { code?: number; message: string; data?: unknown };
    return {
      content: [
        { type: "text" as const, text: JSON.stringify({ error: { code, message, data } }) },
      ],
    };
  }
}

server.registerTool("ask_model", { inputSchema: { timeoutMs: z.number().optional() } }, (args) =>
  reply(() =>
    server.server.createMessage(
      {
        messages: [{ role: "user", content: { type: "text", text: "Summarise the invoice" } }],
        maxTokens: 50,
      },
      args.timeoutMs === undefined ? {} : { timeout: args.timeoutMs },
    ),
  ),
);

server.registerTool("ask_user", { inputSchema: {} }, () =>
  reply(() =>
    server.server.elicitInput({
      message: "Approve transfer_funds? Choose approve to run the call.",
      requestedSchema: {
        type: "object",
        properties: { decision: { type: "string", enum: ["approve", "reject"] } },
        required: ["decision"],
      },
    }),
  ),
);

server.registerTool("list_roots", { inputSchema: {} }, () =>
  reply(() => server.server.listRoots()),
);

server.registerTool("roots_changed", { inputSchema: {} }, () => reply(async () => rootsChanged));

server.registerTool("notify", { inputSchema: {} }, async () => {
  await server.server.sendLoggingMessage({ level: "info", logger: "asking", data: "hello" });
  await server.server.sendResourceUpdated({ uri: "asking://state" });
  server.sendResourceListChanged();
  server.sendPromptListChanged();
  return { content: [{ type: "text", text: "notified" }] };
});

server.registerResource("state", "asking://state", {}, async (uri) => ({
  contents: [{ uri: uri.href, text: "ready" }],
}));

server.registerPrompt("greet", {}, () => ({
  messages: [{ role: "user", content: { type: "text", text: "hello" } }],
}));

await server.connect(new StdioServerTransport());
