/**
 * `safeguards-mcp --http` in front of an upstream reached with `--upstream-url` (Streamable
 * HTTP): the upstream here is itself an MCP server over Streamable HTTP (a pass-through
 * gateway on the payments server), the CLI is a spawned process, and the client is the SDK's
 * over Streamable HTTP. Flagged calls are decided in a real inbox.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { definePolicies } from "@safeguards/core";
import { approvals, deferCleanup, inboxWithReviewer } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { createApprovalGateway, serveHttp } from "../src/index.js";
import {
  CLI,
  cliArgs,
  PAYMENTS_SERVER,
  transferLog,
  tsProcess,
} from "./support/gateway-fixture.js";

const defer = deferCleanup();

/** The payments server behind a gateway that flags nothing, served over Streamable HTTP. */
async function httpUpstream() {
  const log = transferLog(defer);
  const gateway = await createApprovalGateway({
    upstream: { ...tsProcess(PAYMENTS_SERVER), env: { PAYMENTS_LOG: log.path } },
    policies: definePolicies({}, { default: false }),
    handler: approvals().handler,
  });
  defer(() => gateway.close());
  const endpoint = await serveHttp(gateway);
  defer(() => endpoint.close());
  return { url: endpoint.url, transfers: log.read };
}

/** Starts the CLI with `args` and resolves with the URL it listens on. */
async function startCli(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const { command, args: nodeArgs, cwd } = tsProcess(CLI, args);
  const child = spawn(command, nodeArgs, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  defer(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  );
  let err = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const match = /listening: (\S+)/.exec(err);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the CLI exited (${code}): ${err}`)));
  });
  return { url, child };
}

describe("safeguards-mcp --http --upstream-url", { timeout: 60_000 }, () => {
  it("serves Streamable HTTP clients in front of a Streamable HTTP upstream", async () => {
    const upstream = await httpUpstream();
    const { url: inboxUrl, reviewer } = await inboxWithReviewer(defer, "bank-bot", () => [
      { type: "approve" },
    ]);
    const { url } = await startCli([
      ...cliArgs(["--upstream-url", upstream.url], inboxUrl),
      "--http",
      "0",
    ]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = new Client({ name: "http-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    defer(() => client.close());
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["transfer_funds", "get_balance"]));
    const result = await client.callTool({
      name: "transfer_funds",
      arguments: { amount: "2500.00", to: "ACME" },
    });
    expect(result.content).toEqual([{ type: "text", text: "Transferred 2500.00 to ACME" }]);
    const balance = await client.callTool({ name: "get_balance", arguments: {} });
    expect(balance.content).toEqual([{ type: "text", text: "Balance: 10000.00" }]);
    expect(upstream.transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
    expect(reviewer.answers.map((a) => a.status)).toEqual([200]);
  });

  it("refuses a request whose Host is not the address it listens on (DNS rebinding)", async () => {
    const upstream = await httpUpstream();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(upstream.url, {
        method: "POST",
        headers: { host: "evil.example", "content-type": "application/json" },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
    });
    expect(status).toBe(403);
    const bad = await fetch(upstream.url, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
  });
});
