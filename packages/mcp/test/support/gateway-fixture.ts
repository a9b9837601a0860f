/**
 * Starts what a gateway test needs: the payments upstream (a real SDK server over stdio),
 * the gateway on it served over Streamable HTTP on 127.0.0.1, and an SDK client connected
 * to it; and reads which transfers reached the upstream.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Clock, HumanActionHandler, Policies } from "@safeguards/core";
import { type ApprovalGateway, createApprovalGateway, serveHttp } from "../../src/index.js";
import paymentPolicies from "./policies.js";

/** The repository's root (where tsx resolves). */
export const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));
/** The payments upstream server's file. */
export const PAYMENTS_SERVER = fileURLToPath(new URL("./payments-server.ts", import.meta.url));
/** The upstream server that asks its client (sampling, elicitation, roots) and notifies it. */
export const ASKING_SERVER = fileURLToPath(new URL("./asking-server.ts", import.meta.url));
/** The test policies' file. */
export const POLICIES_FILE = fileURLToPath(new URL("./policies.ts", import.meta.url));
/** The gateway CLI's file. */
export const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** Node running a TypeScript file of this repository. */
export function tsProcess(file: string, args: string[] = []) {
  return {
    command: process.execPath,
    args: ["--import", "tsx", "--conditions=@safeguards/source", file, ...args],
    cwd: ROOT,
  };
}

/** The CLI's arguments: `upstream` (its flag and value), the test policies, and an inbox at `inboxUrl` (agent bank-bot). */
export function cliArgs(
  upstream: ["--upstream-command" | "--upstream-url", string],
  inboxUrl: string,
): string[] {
  return [
    ...upstream,
    "--policies",
    POLICIES_FILE,
    "--inbox",
    inboxUrl,
    "--api-key",
    "agent-key-bank-bot",
    "--agent-id",
    "bank-bot",
  ];
}

/** A temporary transfer log of the payments server; `read()` answers the transfers it ran. */
export function transferLog(defer: (cleanup: () => unknown) => void) {
  const dir = mkdtempSync(join(tmpdir(), "mcp-gateway-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "transfers.jsonl");
  const read = (): unknown[] =>
    existsSync(path)
      ? readFileSync(path, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  return { path, read };
}

/** Options of {@link httpGateway}. */
export interface HttpGatewayOptions {
  handler: HumanActionHandler;
  /** The upstream server's file. @default PAYMENTS_SERVER */
  server?: string;
  policies?: Policies;
  clock?: Clock;
  progressIntervalMs?: number;
  upstreamTimeoutMs?: number;
  fastPath?: boolean;
  clientRequests?: boolean;
  clientOptions?: ClientOptions;
  /** Called with the client before it connects (to answer elicitation). */
  setup?: (client: Client) => void;
}

/** The gateway over Streamable HTTP in this process, an SDK client on it, and the transfer log. */
export async function httpGateway(
  defer: (cleanup: () => unknown) => void,
  options: HttpGatewayOptions,
): Promise<{ client: Client; gateway: ApprovalGateway; url: string; transfers: () => unknown[] }> {
  const log = transferLog(defer);
  const gateway = await createApprovalGateway({
    upstream: {
      ...tsProcess(options.server ?? PAYMENTS_SERVER),
      env: { PAYMENTS_LOG: log.path },
    },
    policies: options.policies ?? paymentPolicies,
    handler: options.handler,
    agentId: "bank-bot",
    onError: () => {},
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.progressIntervalMs ? { progressIntervalMs: options.progressIntervalMs } : {}),
    ...(options.upstreamTimeoutMs ? { upstreamTimeoutMs: options.upstreamTimeoutMs } : {}),
    ...(options.fastPath !== undefined ? { fastPath: options.fastPath } : {}),
    ...(options.clientRequests !== undefined ? { clientRequests: options.clientRequests } : {}),
  });
  defer(() => gateway.close());
  const endpoint = await serveHttp(gateway);
  defer(() => endpoint.close());
  const client = new Client({ name: "test-client", version: "1.0.0" }, options.clientOptions);
  options.setup?.(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url)));
  defer(() => client.close());
  return { client, gateway, url: endpoint.url, transfers: log.read };
}
