/**
 * A payments MCP server, as a team would already have one (written with the MCP SDK, over
 * stdio). It knows nothing of approvals: the gateway stands in front of it.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "payments", version: "1.0.0" });

server.registerTool(
  "transfer_funds",
  {
    description: "Transfer money from the customer's account to a payee",
    inputSchema: { amount: z.string().regex(/^\d+\.\d{2}$/), to: z.string().min(1) },
  },
  async ({ amount, to }) => {
    // Whatever reached this line really ran: the example's check reads stderr.
    process.stderr.write(`[payments] ran transfer ${amount} to ${to}\n`);
    return { content: [{ type: "text", text: `Transferred $${amount} to ${to}.` }] };
  },
);

server.registerTool(
  "get_balance",
  { description: "The customer's balance", inputSchema: {} },
  async () => ({ content: [{ type: "text", text: "Balance: $10000.00" }] }),
);

await server.connect(new StdioServerTransport());
