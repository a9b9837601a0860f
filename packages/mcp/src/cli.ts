#!/usr/bin/env node
/**
 * @module cli
 * `safeguards-mcp`: the approval gateway as a program. It starts or reaches the upstream MCP
 * server, loads the policies, files flagged calls with the inbox (or asks at the terminal),
 * and serves MCP clients over stdio (default) or Streamable HTTP (`--http PORT`). Everything
 * it prints goes to stderr: stdout carries MCP.
 */
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { InvalidConfigError } from "@safeguards/core";
import { type ApprovalTarget, approvalHandler } from "./cli/approval-handler.js";
import { loadPolicies } from "./cli/load-policies.js";
import { splitCommand } from "./cli/split-command.js";
import { createApprovalGateway } from "./create-approval-gateway.js";
import { serveHttp } from "./serve-http.js";
import type { UpstreamSpec } from "./upstream.js";

const HELP = `Usage: safeguards-mcp (--upstream-command "<cmd> [args]" | --upstream-url <url>)
                     --policies <file.ts|file.js>
                     (--inbox <url> --api-key <key> | --approve-in-terminal)
                     [--http <port>] [--host 127.0.0.1] [--agent-id mcp-gateway]

An MCP server in front of another: tools/call requests that the policies flag wait for a
human decision; everything else passes through unchanged.

Options:
  --upstream-command <line>  start the upstream MCP server (stdio); the line is split
                         into words like a shell does, but no shell runs it
  --upstream-url <url>   reach the upstream MCP server over Streamable HTTP
  --policies <file>      a module exporting definePolicies(...) (default export or
                         "policies"); .ts needs tsx installed
  --inbox <url>          the Safeguards inbox API (.../api) to file approvals with
  --api-key <key>        the agent key for the inbox      default $SAFEGUARDS_API_KEY
  --approve-in-terminal  ask at this terminal (/dev/tty) instead of an inbox
  --http <port>          serve Streamable HTTP on <port> at /mcp (0: a free port)
                         instead of stdio
  --host <h>             interface for --http              default 127.0.0.1
  --agent-id <id>        the agent id reviewers see        default mcp-gateway
  -h, --help             show this help

Exit codes: 0 the client closed stdin, or SIGINT/SIGTERM; 1 the upstream MCP server could
not be started or reached, or closed the connection; 2 a bad command line or policies file.
`;

/** The exit code when the upstream cannot be started or reached, or closes mid-session. */
const EXIT_UPSTREAM = 1;
/** The exit code of a bad command line or policies file. */
const EXIT_USAGE = 2;

/** The parsed command line. */
interface CliOptions {
  upstream: UpstreamSpec;
  policies: string;
  target: ApprovalTarget;
  http: number | undefined;
  host: string;
  agentId: string;
}

function parse(argv: string[]): CliOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      "upstream-command": { type: "string" },
      "upstream-url": { type: "string" },
      policies: { type: "string" },
      inbox: { type: "string" },
      "api-key": { type: "string" },
      "approve-in-terminal": { type: "boolean" },
      http: { type: "string" },
      host: { type: "string" },
      "agent-id": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  const command = values["upstream-command"];
  const url = values["upstream-url"];
  if ((command === undefined) === (url === undefined)) {
    throw new InvalidConfigError("give exactly one of --upstream-command and --upstream-url");
  }
  if (!values.policies) throw new InvalidConfigError("--policies <file> is required");
  const apiKey = values["api-key"] ?? process.env.SAFEGUARDS_API_KEY;
  let target: ApprovalTarget;
  if (values["approve-in-terminal"]) {
    if (values.inbox)
      throw new InvalidConfigError("give --inbox or --approve-in-terminal, not both");
    target = { terminal: true };
  } else {
    if (!values.inbox) throw new InvalidConfigError("give --inbox <url> or --approve-in-terminal");
    if (!apiKey)
      throw new InvalidConfigError("--inbox needs --api-key <key> (or $SAFEGUARDS_API_KEY)");
    target = { inbox: values.inbox, apiKey };
  }
  let http: number | undefined;
  if (values.http !== undefined) {
    http = Number(values.http);
    if (!Number.isInteger(http) || http < 0 || http > 65535) {
      throw new InvalidConfigError(`--http must be a port number, got ${values.http}`);
    }
  }
  return {
    upstream:
      command !== undefined
        ? { ...splitCommand(command), env: inheritedEnv() }
        : { url: url as string },
    policies: values.policies,
    target,
    http,
    host: values.host ?? "127.0.0.1",
    agentId: values["agent-id"] ?? "mcp-gateway",
  };
}

/** The started upstream inherits the gateway's environment (as a shell would give it). */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (!options) {
    process.stderr.write(HELP);
    return;
  }
  const policies = await loadPolicies(options.policies);
  const { handler, shutdown } = await approvalHandler(options.target);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await gateway.close().catch(() => undefined);
    await endpoint?.close().catch(() => undefined);
    await shutdown().catch(() => undefined);
    process.exit(code);
  };
  let gateway: Awaited<ReturnType<typeof createApprovalGateway>>;
  try {
    gateway = await createApprovalGateway({
      upstream: options.upstream,
      policies,
      handler,
      agentId: options.agentId,
      onUpstreamClose: () => {
        if (stopping) return;
        process.stderr.write(
          `safeguards-mcp: the upstream MCP server closed the connection; exiting (${EXIT_UPSTREAM})\n`,
        );
        void stop(EXIT_UPSTREAM);
      },
    });
  } catch (error) {
    if (error instanceof InvalidConfigError) throw error;
    process.stderr.write(
      `safeguards-mcp: the upstream MCP server could not be started or reached (${error instanceof Error ? error.message : String(error)}); exiting (${EXIT_UPSTREAM})\n`,
    );
    await shutdown().catch(() => undefined);
    process.exit(EXIT_UPSTREAM);
  }
  let endpoint: Awaited<ReturnType<typeof serveHttp>> | undefined;
  if (options.http !== undefined) {
    endpoint = await serveHttp(gateway, { port: options.http, host: options.host });
    process.stderr.write(`safeguards-mcp listening: ${endpoint.url}\n`);
  } else {
    const transport = new StdioServerTransport();
    process.stdin.on("end", () => void stop(0));
    await gateway.server.connect(transport);
  }
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `safeguards-mcp: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(EXIT_USAGE);
});
