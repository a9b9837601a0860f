/**
 * A real upstream MCP server written with the SDK (stdio), for the gateway's tests:
 * transfer_funds and get_balance, plus tools that fail, crash mid-call, report progress,
 * echo the request they got, wait until cancelled and change the tool list; a resource and a prompt. Every transfer it runs is appended to
 * $PAYMENTS_LOG (when set), so a test sees exactly what reached the upstream.
 */
import { appendFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "payments", version: "1.0.0" });
const log = process.env.PAYMENTS_LOG;

server.registerTool(
  "transfer_funds",
  {
    description: "Transfer money to a payee",
    inputSchema: {
      amount: z.string().regex(/^\d+\.\d{2}$/),
      to: z.string().min(1),
    },
  },
  async ({ amount, to }) => {
    if (log) appendFileSync(log, `${JSON.stringify({ amount, to })}\n`);
    return {
      content: [{ type: "text", text: `Transferred ${amount} to ${to}` }],
      structuredContent: { amount, to },
    };
  },
);

server.registerTool(
  "get_balance",
  { description: "The account balance", inputSchema: {} },
  async (_args, extra) => {
    const token = extra._meta?.progressToken;
    if (token !== undefined) {
      for (const progress of [1, 2]) {
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress, total: 2, message: `step ${progress}` },
        });
      }
    }
    return { content: [{ type: "text", text: "Balance: 10000.00" }], _meta: { currency: "USD" } };
  },
);

server.registerTool("refund", { inputSchema: { id: z.string() } }, async ({ id }) => {
  throw new Error(`refund service is down (refund ${id})`);
});

// What the upstream saw of the request: its id (the gateway's own on the fast path) and _meta.
server.registerTool(
  "echo_request",
  { inputSchema: { risky: z.boolean().optional() } },
  async (args, extra) => ({
    content: [
      {
        type: "text",
        text: JSON.stringify({ id: extra.requestId, meta: extra._meta ?? null, args }),
      },
    ],
  }),
);

// Runs until cancelled; logs its start and the cancellation's reason to $PAYMENTS_LOG.
server.registerTool("wait_for_cancel", { inputSchema: {} }, async (_args, extra) => {
  if (log) appendFileSync(log, `${JSON.stringify({ started: extra.requestId })}\n`);
  await new Promise<void>((resolve) => extra.signal.addEventListener("abort", () => resolve()));
  if (log) {
    const reason = String(extra.signal.reason);
    appendFileSync(log, `${JSON.stringify({ cancelled: extra.requestId, reason })}\n`);
  }
  return { content: [] };
});

server.registerTool("crash", { inputSchema: {} }, async () => {
  setTimeout(() => process.exit(3), 20);
  return new Promise(() => {}); // never answers: the process dies mid-call
});

server.registerTool("add_tool", { inputSchema: {} }, async () => {
  server.registerTool("audit_log", { description: "Added later", inputSchema: {} }, async () => ({
    content: [{ type: "text", text: "audit ok" }],
  }));
  return { content: [{ type: "text", text: "added audit_log" }] };
});

server.registerTool("add_resource", { inputSchema: {} }, async () => {
  server.registerResource("limits", "payments://limits", {}, async (uri) => ({
    contents: [{ uri: uri.href, text: "5000.00" }],
  }));
  return { content: [{ type: "text", text: "added payments://limits" }] };
});

server.registerResource(
  "balance",
  "payments://balance",
  { mimeType: "text/plain" },
  async (uri) => ({ contents: [{ uri: uri.href, text: "10000.00" }] }),
);

server.registerPrompt("pay_invoice", { argsSchema: { invoice: z.string() } }, ({ invoice }) => ({
  messages: [{ role: "user", content: { type: "text", text: `Pay invoice ${invoice}` } }],
}));

await server.connect(new StdioServerTransport());
