/**
 * An upstream MCP server (the SDK's low-level `Server`, stdio) that lists what a careless or
 * hostile server could: two tools with one name, a huge input schema, schemas that cannot
 * be checked in time or at all, and names that are also object-prototype keys. Every call
 * it runs is appended to $PAYMENTS_LOG.
 */
import { appendFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { HOSTILE_SCHEMAS } from "@safeguards/core/testing";

const huge = Object.fromEntries(
  Array.from({ length: 3000 }, (_, i) => [
    `field${i}`,
    { type: "string", description: "x".repeat(40) },
  ]),
);
const slow = HOSTILE_SCHEMAS.find((h) => h.name.startsWith("$defs chain referencing"));

const tools = [
  { name: "dup", inputSchema: { type: "object", properties: { a: { type: "string" } } } },
  { name: "dup", inputSchema: { type: "object", properties: { b: { type: "number" } } } },
  { name: "huge", inputSchema: { type: "object", properties: huge } },
  { name: "slow", inputSchema: { type: "object", ...slow?.schema } },
  {
    name: "endless",
    inputSchema: { type: "object", $ref: "#/$defs/a", $defs: { a: { $ref: "#/$defs/a" } } },
  },
  {
    name: "typed",
    inputSchema: {
      type: "object",
      properties: { n: { type: "integer" } },
      required: ["n"],
      additionalProperties: false,
    },
  },
  { name: "__proto__", inputSchema: { type: "object" } },
  { name: "constructor", inputSchema: { type: "object" } },
];

const server = new Server({ name: "hostile", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }) as never);
server.setRequestHandler(CallToolRequestSchema, (request) => {
  const ran = { tool: request.params.name, args: request.params.arguments ?? {} };
  if (process.env.PAYMENTS_LOG)
    appendFileSync(process.env.PAYMENTS_LOG, `${JSON.stringify(ran)}\n`);
  return { content: [{ type: "text", text: JSON.stringify(ran) }] };
});
await server.connect(new StdioServerTransport());
