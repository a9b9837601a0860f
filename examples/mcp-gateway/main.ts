/**
 * Any MCP client, a payments MCP server, and the approval gateway between them: the client
 * starts `safeguards-mcp` over stdio (as a desktop assistant or IDE would from its config),
 * the gateway starts the payments server, and transfers above 1000.00 wait for a reviewer in
 * the approval inbox. The client here is scripted (the SDK's `Client`), so no model is
 * needed.
 *
 *   pnpm start        prints the inbox URL and waits for you to decide (curl or web inbox)
 *   pnpm run ci       a scripted reviewer decides; exits non-zero if anything is off
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createInbox } from "@safeguards/server";
import { scriptedReviewer } from "../langchain-agent/reviewer.js";

const CI = process.argv.includes("--ci");
const AGENT_KEY = "example-gateway-key";
const REVIEWER_TOKEN = "example-reviewer-token";
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
// Installed from npm this is just `safeguards-mcp`; in this repository it runs from source.
const CLI = here("../../packages/mcp/src/cli.ts");
const TSX = ["--import", "tsx", "--conditions=@safeguards/source"];

// --- the inbox (in memory, on 127.0.0.1) and, in CI, a reviewer deciding over its API ---
const inbox = createInbox({
  store: "memory",
  apiKeys: { [AGENT_KEY]: "payments-gateway" },
  reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
});
const { url } = await inbox.listen({ port: CI ? 0 : 8787, host: "127.0.0.1" });
const reviewer = CI
  ? scriptedReviewer(url, REVIEWER_TOKEN, (record) =>
      String(record.action?.args.to).includes("Unknown")
        ? { type: "reject", comments: "Payee is not verified" }
        : { type: "approve" },
    )
  : undefined;
if (!CI) {
  console.log(`Inbox: ${url}  (reviewer token: ${REVIEWER_TOKEN})`);
  console.log(`Decide with: curl -X POST -H 'authorization: Bearer ${REVIEWER_TOKEN}' \\`);
  console.log(
    `  -H 'content-type: application/json' -d '{"type":"approve"}' ${url}/actions/<id>/decision`,
  );
}

// --- the MCP client starts the gateway, which starts the payments server ---
const upstream = [process.execPath, ...TSX, here("./payments-server.ts")].map((w) => `'${w}'`);
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [
    ...TSX,
    CLI,
    "--upstream-command",
    upstream.join(" "),
    "--policies",
    here("./policies.ts"),
    "--inbox",
    url,
    "--agent-id",
    "payments-gateway",
  ],
  env: { PATH: process.env.PATH ?? "", SAFEGUARDS_API_KEY: AGENT_KEY },
  stderr: "pipe",
});
const ran: string[] = [];
transport.stderr?.on("data", (chunk: Buffer) => {
  for (const line of chunk.toString().split("\n")) {
    const match = /\[payments\] ran (.*)/.exec(line);
    if (match?.[1]) ran.push(match[1]);
  }
});
const client = new Client({ name: "scripted-client", version: "1.0.0" });
await client.connect(transport);

const tools = await client.listTools();
console.log(
  `\ntools (exactly the payments server's): ${tools.tools.map((t) => t.name).join(", ")}`,
);
const calls = [
  { name: "get_balance", arguments: {} },
  { name: "transfer_funds", arguments: { amount: "250.00", to: "Utility Co" } },
  { name: "transfer_funds", arguments: { amount: "2500.00", to: "ACME Corp" } },
  { name: "transfer_funds", arguments: { amount: "9000.00", to: "Unknown LLC" } },
];
const answers = await Promise.all(calls.map((call) => client.callTool(call)));
answers.forEach((answer, i) => {
  const text = (answer.content as { text: string }[])[0]?.text;
  console.log(`client> ${calls[i]?.name}(${JSON.stringify(calls[i]?.arguments)})`);
  console.log(`  ${answer.isError ? "error" : "ok"}: ${text}`);
});

await client.close();
await reviewer?.stop();
await inbox.close();
console.log(`\nWhat the payments server ran: ${JSON.stringify(ran)}`);
const expected = ["transfer 250.00 to Utility Co", "transfer 2500.00 to ACME Corp"];
if (CI && JSON.stringify([...ran].sort()) !== JSON.stringify(expected.sort())) {
  console.error(`expected ${JSON.stringify(expected)}`);
  process.exit(1);
}
if (CI && answers[3]?.isError !== true) {
  console.error("expected the 9000.00 transfer to be refused with isError");
  process.exit(1);
}
