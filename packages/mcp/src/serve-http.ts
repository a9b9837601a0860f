/**
 * @module serve-http
 * Serves a gateway over Streamable HTTP on one path: each client session (started by its
 * `initialize`) gets its own MCP server on the shared upstream. Requests whose Host is not
 * the address listened on are refused (DNS rebinding), as are bodies over 4 MiB.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ApprovalGateway } from "./create-approval-gateway.js";

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** The endpoint's path. @default "/mcp" */
  path?: string;
  /** Host headers accepted besides `<host>:<port>` and `localhost:<port>`. */
  allowedHosts?: string[];
}

/** A listening HTTP endpoint. */
export interface HttpEndpoint {
  /** The endpoint's URL, such as `http://127.0.0.1:3000/mcp`. */
  url: string;
  /** Closes every session and stops listening (the gateway stays open). */
  close(): Promise<void>;
}

/** The largest request body accepted (bytes). */
export const MAX_HTTP_BODY_BYTES = 4 * 1024 * 1024;

/** Listens for MCP clients over Streamable HTTP. */
export async function serveHttp(
  gateway: ApprovalGateway,
  options: ServeHttpOptions = {},
): Promise<HttpEndpoint> {
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/mcp";
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts.includes(req.headers.host ?? "")) {
      return reply(res, 403, `Host ${JSON.stringify(req.headers.host ?? "")} is not allowed`);
    }
    if (new URL(req.url ?? "/", "http://x").pathname !== path) return reply(res, 404, "Not found");
    const sessionId = req.headers["mcp-session-id"];
    const known = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (req.method !== "POST") {
      if (!known) return reply(res, 400, "Unknown or missing Mcp-Session-Id");
      return known.handleRequest(req, res);
    }
    const body = await readJson(req);
    if (body === TOO_LARGE) return reply(res, 413, "Body too large");
    if (body === INVALID) return reply(res, 400, "Body is not JSON", -32700);
    if (known) return known.handleRequest(req, res, body);
    if (sessionId !== undefined || !isInitializeRequest(body)) {
      return reply(res, 400, "Unknown or missing Mcp-Session-Id");
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
      enableDnsRebindingProtection: true,
      allowedHosts,
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await gateway.createServer().connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, "Internal error", -32603);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  allowedHosts = [`${hostPart}:${port}`, `localhost:${port}`, ...(options.allowedHosts ?? [])];
  return {
    url: `http://${hostPart}:${port}${path}`,
    async close() {
      for (const transport of [...sessions.values()])
        await transport.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

const TOO_LARGE = Symbol("too large");
const INVALID = Symbol("invalid");

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_HTTP_BODY_BYTES) return TOO_LARGE;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return INVALID;
  }
}

function reply(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
