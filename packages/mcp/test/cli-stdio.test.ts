/**
 * The `safeguards-mcp` CLI as an MCP client starts it: an SDK `Client` spawns the gateway
 * over stdio, the gateway spawns the payments upstream (stdio) and files flagged calls with
 * a real inbox on 127.0.0.1, where a reviewer decides over HTTP.
 */
import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { deferCleanup, type InboxRecord, inboxWithReviewer } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import {
  CLI,
  cliArgs,
  PAYMENTS_SERVER,
  ROOT,
  transferLog,
  tsProcess,
} from "./support/gateway-fixture.js";

const defer = deferCleanup();
const upstreamCommand = [...Object.values(tsProcess(PAYMENTS_SERVER)).slice(0, 2)]
  .flat()
  .map((word) => `'${String(word)}'`)
  .join(" ");

async function stdioGateway(decide: (record: InboxRecord) => unknown[]) {
  const { url, reviewer } = await inboxWithReviewer(defer, "bank-bot", decide);
  const log = transferLog(defer);
  const gateway = tsProcess(CLI, cliArgs(["--upstream-command", upstreamCommand], url));
  const transport = new StdioClientTransport({
    ...gateway,
    env: { PATH: process.env.PATH ?? "", PAYMENTS_LOG: log.path },
    stderr: "pipe",
  });
  const client = new Client({ name: "stdio-client", version: "1.0.0" });
  await client.connect(transport);
  defer(() => client.close());
  return { client, reviewer, transfers: log.read };
}

// Two processes start per test (the gateway and the upstream, each through tsx): slow on a busy machine.
describe("safeguards-mcp over stdio", { timeout: 60_000 }, () => {
  it("approves, rejects and passes calls through as the inbox and the policies say", async () => {
    const { client, transfers, reviewer } = await stdioGateway((record) =>
      record.action?.args.to === "ACME"
        ? [{ type: "approve" }]
        : [{ type: "reject", comments: "unknown payee" }],
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("transfer_funds");
    const approved = await client.callTool({
      name: "transfer_funds",
      arguments: { amount: "2500.00", to: "ACME" },
    });
    expect(approved.content).toEqual([{ type: "text", text: "Transferred 2500.00 to ACME" }]);
    const rejected = await client.callTool({
      name: "transfer_funds",
      arguments: { amount: "5000.00", to: "Mallory" },
    });
    expect(rejected.isError).toBe(true);
    expect((rejected.content as { text: string }[])[0]?.text).toContain("unknown payee");
    const balance = await client.callTool({ name: "get_balance", arguments: {} });
    expect(balance.content).toEqual([{ type: "text", text: "Balance: 10000.00" }]);
    expect(transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
    expect(reviewer.answers.map((a) => a.status)).toEqual([200, 200]);
  });

  it("an upstream that dies mid-call: the client gets an error and the gateway exits", async () => {
    const { client } = await stdioGateway(() => []);
    const closed = new Promise<void>((resolve) => {
      client.onclose = () => resolve();
    });
    await expect(client.callTool({ name: "crash", arguments: {} })).rejects.toThrow(/closed/i);
    await closed;
  });

  it("refuses a bad command line or policies file with a clear message and exit code 2", async () => {
    const run = async (args: string[]) => {
      const { command, args: nodeArgs } = tsProcess(CLI, args);
      const child = spawn(command, nodeArgs, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (c: Buffer) => {
        err += c.toString();
      });
      const code = await new Promise((resolve) => child.on("exit", resolve));
      return { code, err };
    };
    const upstream = ["--upstream-url", "http://127.0.0.1:1/mcp"];
    const missing = await run(upstream);
    expect(missing).toEqual({
      code: 2,
      err: expect.stringContaining("--policies <file> is required"),
    });
    const bad = await run([
      ...upstream,
      "--policies",
      "./no-such-policies.js",
      "--approve-in-terminal",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--policies ./no-such-policies.js could not be loaded");
  });
});
