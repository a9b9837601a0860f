/**
 * @module upstream
 * The MCP server the gateway stands in front of: spawned over stdio (`{ command, args, env }`)
 * or reached over Streamable HTTP (`{ url }`), connected with the SDK's `Client`.
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { InvalidConfigError } from "@safeguards/core";

/** An upstream MCP server started as a child process, spoken to over its stdin/stdout. */
export interface StdioUpstream {
  command: string;
  args?: string[];
  /** Added to the SDK's safe default environment (PATH, HOME, ...). */
  env?: Record<string, string>;
  cwd?: string;
  /** What happens to the child's stderr. @default "inherit" */
  stderr?: "inherit" | "ignore" | "pipe";
}

/** An upstream MCP server reached over Streamable HTTP. */
export interface HttpUpstream {
  url: string | URL;
  /** Extra HTTP headers of every request (an `authorization` header, for example). */
  headers?: Record<string, string>;
}

/** Where the upstream server is. */
export type UpstreamSpec = StdioUpstream | HttpUpstream;

/** The transport that reaches `spec`. Throws {@link InvalidConfigError} on a bad spec. */
export function upstreamTransport(spec: UpstreamSpec): Transport {
  if (spec && "command" in spec && typeof spec.command === "string" && spec.command !== "") {
    return new StdioClientTransport({
      command: spec.command,
      args: spec.args ?? [],
      env: { ...getDefaultEnvironment(), ...(spec.env ?? {}) },
      stderr: spec.stderr ?? "inherit",
      ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
    });
  }
  if (spec && "url" in spec && spec.url !== undefined) {
    let url: URL;
    try {
      url = new URL(String(spec.url));
    } catch {
      throw new InvalidConfigError(`upstream.url is not a URL: ${String(spec.url)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidConfigError(`upstream.url must be http(s): ${url.href}`);
    }
    return new StreamableHTTPClientTransport(url, {
      ...(spec.headers ? { requestInit: { headers: spec.headers } } : {}),
    });
  }
  throw new InvalidConfigError(
    "upstream must be { command, args?, env? } (stdio) or { url } (Streamable HTTP)",
  );
}

/** How {@link connectUpstream} sets up the client. */
export interface UpstreamClientSetup {
  /** Puts a transport of the gateway's own in front of the upstream's (the fast path's relay). */
  wrap?: (transport: Transport) => Transport;
  /** The capabilities the gateway declares to the upstream. @default {} */
  capabilities?: ClientCapabilities;
  /** Registers handlers on the client before it connects (requests the upstream sends it). */
  prepare?: (client: Client) => void;
}

/** Connects an SDK `Client` to the upstream server (it answers `initialize` first). */
export async function connectUpstream(
  spec: UpstreamSpec,
  clientInfo: { name: string; version: string },
  setup: UpstreamClientSetup = {},
): Promise<Client> {
  const client = new Client(clientInfo, { capabilities: setup.capabilities ?? {} });
  setup.prepare?.(client);
  const transport = upstreamTransport(spec);
  await client.connect(setup.wrap ? setup.wrap(transport) : transport);
  return client;
}
