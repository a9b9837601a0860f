/**
 * `safeguards-mcp` when its upstream fails: an upstream that cannot start, or that exits at
 * once, ends the CLI with exit code 1 and a message on stderr; an upstream that dies
 * mid-session answers every pending client call with an error (un-flagged ones in flight
 * upstream, and a flagged one waiting in the inbox), and the CLI exits 1. Nothing hangs.
 * The CLI is a process spawned here (to read its exit code), over stdio and over --http.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  deferCleanup,
  eventually,
  type InboxRecord,
  inboxWithReviewer,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { spawnCli } from "./support/cli-process.js";
import { cliArgs, PAYMENTS_SERVER, transferLog, tsProcess } from "./support/gateway-fixture.js";

const defer = deferCleanup();
const quote = (words: string[]) => words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(" ");
const payments = tsProcess(PAYMENTS_SERVER);
const PAYMENTS_COMMAND = quote([payments.command, ...payments.args]);

/** The CLI on `upstreamCommand`, filing with a real inbox where nobody decides. */
async function cli(upstreamCommand: string, extra: string[] = []) {
  const held: InboxRecord[] = [];
  const { url } = await inboxWithReviewer(defer, "bank-bot", (record) => {
    held.push(record);
    return [];
  });
  const log = transferLog(defer);
  const gateway = spawnCli([...cliArgs(["--upstream-command", upstreamCommand], url), ...extra], {
    PAYMENTS_LOG: log.path,
  });
  defer(() => gateway.kill());
  return { gateway, held, log: log.read };
}

/** Starts three calls that stay pending, then crashes the upstream; all must fail. */
async function crashWithPendingCalls(client: Client, held: InboxRecord[], log: () => unknown[]) {
  const errors: string[] = [];
  const settle = (call: Promise<unknown>) =>
    call.then(
      () => errors.push("answered"),
      (error: Error) => errors.push(error.message),
    );
  const pending = [
    settle(client.callTool({ name: "wait_for_cancel", arguments: {} })),
    settle(client.callTool({ name: "transfer_funds", arguments: { amount: "5000.00", to: "X" } })),
  ];
  await eventually(() => held.length === 1 && log().length === 1, 30_000); // inbox, upstream
  pending.push(settle(client.callTool({ name: "crash", arguments: {} })));
  await Promise.all(pending);
  return errors;
}

describe("safeguards-mcp and an upstream that fails", { timeout: 60_000 }, () => {
  it("an upstream that cannot start, or exits at once: exit 1 with the reason on stderr", async () => {
    const missing = (await cli("/no/such/mcp-server")).gateway;
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toContain("the upstream MCP server could not be started or reached");
    expect(missing.stderr()).toContain("ENOENT");

    const quits = (await cli(quote([process.execPath, "-e", "process.exit(3)"]))).gateway;
    expect(await quits.exited).toBe(1);
    expect(quits.stderr()).toMatch(/could not be started or reached \(.*closed/i);
  });

  it("dies mid-session over stdio: every pending call fails, the CLI exits 1", async () => {
    const { gateway, held, log } = await cli(PAYMENTS_COMMAND);
    const client = await gateway.connect(new Client({ name: "stdio-client", version: "1.0.0" }));
    defer(() => client.close());
    const errors = await crashWithPendingCalls(client, held, log);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toMatch(/closed/i);
    expect(await gateway.exited).toBe(1);
    expect(gateway.stderr()).toContain("the upstream MCP server closed the connection");
  });

  it("dies mid-session with --http: every pending call fails, the CLI exits 1", async () => {
    const { gateway, held, log } = await cli(PAYMENTS_COMMAND, ["--http", "0"]);
    await eventually(() => gateway.stderr().includes("listening: "), 30_000);
    const url = /listening: (\S+)/.exec(gateway.stderr())?.[1] as string;
    const client = new Client({ name: "http-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    defer(() => client.close());
    const errors = await crashWithPendingCalls(client, held, log);
    expect(errors).toHaveLength(3);
    expect(errors).not.toContain("answered");
    expect(await gateway.exited).toBe(1);
    expect(gateway.stderr()).toContain("the upstream MCP server closed the connection");
  });
});
