/**
 * @module create-approval-gateway
 * The approval gateway: an MCP server that stands in front of an upstream MCP server,
 * lists exactly its tools, and holds the `tools/call`s its policies flag for a human
 * decision (through a `HumanActionHandler`, or through the client by elicitation). All else
 * passes through unchanged.
 */

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import {
  type Clock,
  type HumanActionHandler,
  InvalidConfigError,
  isPolicies,
  type JsonObject,
  type Policies,
  systemClock,
} from "@safeguards/core";
import { refuseSnakeCaseKeys } from "@safeguards/core/internal";
import { type CallTools, callTool } from "./call-tool.js";
import {
  forwardClientRequests,
  forwardRootsChanged,
  UPSTREAM_CLIENT_CAPABILITIES,
} from "./client-requests.js";
import { type FastPathOptions, type FastPathSession, fastPathSession } from "./fast-path.js";
import type { CallParams } from "./forward-call.js";
import { InClientApprovals } from "./in-client-approvals.js";
import { OpenCalls } from "./open-calls.js";
import { FORWARDED_NOTIFICATIONS, gatewayCapabilities, passThrough } from "./pass-through.js";
import type { ProgressToken } from "./progress.js";
import { ProgressRoutes } from "./progress-routes.js";
import { ToolCatalog } from "./tool-catalog.js";
import { connectUpstream, type UpstreamSpec } from "./upstream.js";
import { UpstreamRelay } from "./upstream-relay.js";

/** Options of {@link createApprovalGateway}. */
export interface ApprovalGatewayOptions {
  /** The MCP server to stand in front of: `{ command, args?, env? }` (stdio) or `{ url }`. */
  upstream: UpstreamSpec;
  /** Which calls need a human (`definePolicies`); tools not listed are asked about. */
  policies: Policies;
  /** Files flagged calls and waits for their decisions (any approval channel, the inbox too). */
  handler: HumanActionHandler;
  /** The agent id reviewers see. @default "mcp-gateway" */
  agentId?: string;
  /** The name the gateway gives itself, to the client and to the upstream. @default "safeguards-mcp" */
  name?: string;
  /** Time and timers of the progress notices and in-client approvals. @default systemClock */
  clock?: Clock;
  /** How often a waiting call tells a client that asked for progress that it still waits. @default 10000 */
  progressIntervalMs?: number;
  /** Bound of one forwarded upstream call, from start to answer. @default 600000 */
  upstreamTimeoutMs?: number;
  /**
   * Relays un-flagged `tools/call`s to a tool the upstream lists as raw JSON-RPC, without the
   * SDK's parsing in the middle (see the README). `false`: every message takes the SDK's path.
   * @default true
   */
  fastPath?: boolean;
  /**
   * Forwards the upstream's `sampling/createMessage`, `elicitation/create` and `roots/list`
   * to the connected client that declared the capability (see the README). `false`: the
   * gateway declares none of them to the upstream.
   * @default true
   */
  clientRequests?: boolean;
  /** Called when the upstream connection closes (the upstream exited or hung up). */
  onUpstreamClose?: () => void;
  /** Receives errors of in-client approvals and of notifications. @default console.error */
  onError?: (error: unknown) => void;
}

/** A running gateway. */
export interface ApprovalGateway {
  /** An MCP server for one client: `await gateway.server.connect(transport)`. */
  readonly server: Server;
  /** Another MCP server on the same upstream, for one more client session (Streamable HTTP). */
  createServer(): Server;
  /** The SDK client connected to the upstream. */
  readonly upstream: Client;
  /** Closes every client session and the upstream connection. */
  close(): Promise<void>;
}

const VERSION = "0.1.0";

/** The SDK's `Server`, with the fast path in front of the transport it connects to. */
class GatewayServer extends Server {
  readonly #fastPath: FastPathOptions | undefined;
  session: FastPathSession | undefined;

  constructor(
    info: ConstructorParameters<typeof Server>[0],
    options: ConstructorParameters<typeof Server>[1],
    fastPath: FastPathOptions | undefined,
  ) {
    super(info, options);
    this.#fastPath = fastPath;
    // The SDK numbers its requests from 0, and SDK clients up to at least 1.32 ignore
    // `notifications/cancelled` for request id 0 (typescript-sdk#2283): the first question
    // the gateway asks a client could then never be withdrawn. Starting at 1 avoids id 0.
    (this as unknown as { _requestMessageId: number })._requestMessageId = 1;
  }

  override async connect(transport: Transport): Promise<void> {
    if (this.#fastPath) this.session = fastPathSession(this.#fastPath, transport);
    await super.connect(this.session?.transport ?? transport);
  }
}

/** Connects to the upstream and returns the gateway, ready for a client transport. */
export async function createApprovalGateway(
  options: ApprovalGatewayOptions,
): Promise<ApprovalGateway> {
  refuseSnakeCaseKeys("createApprovalGateway", options);
  if (!options?.handler || typeof options.handler.requestAction !== "function") {
    throw new InvalidConfigError(
      "createApprovalGateway: options.handler must be a HumanActionHandler",
    );
  }
  if (!isPolicies(options.policies)) {
    throw new InvalidConfigError(
      "createApprovalGateway: options.policies must come from definePolicies",
    );
  }
  const name = options.name ?? "safeguards-mcp";
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? ((error: unknown) => console.error("[safeguards-mcp]", error));
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 600_000;
  const relay = new UpstreamRelay({ clock, timeoutMs: upstreamTimeoutMs });
  const servers = new Set<Server>();
  const forwardsToClient = options.clientRequests !== false;
  const upstream = await connectUpstream(
    options.upstream,
    { name, version: VERSION },
    {
      wrap: (t) => relay.attach(t),
      ...(forwardsToClient ? { capabilities: UPSTREAM_CLIENT_CAPABILITIES } : {}),
      prepare: (client) => {
        if (!forwardsToClient) return;
        forwardClientRequests(
          client,
          () => [...servers].filter((server) => server.transport !== undefined),
          { timeoutMs: upstreamTimeoutMs },
        );
      },
    },
  );
  const capabilities = gatewayCapabilities(upstream.getServerCapabilities());
  const catalog = new ToolCatalog(upstream);
  const inClient = new InClientApprovals({ clock, onError });
  const openCalls = new OpenCalls();
  const tools: CallTools = {
    upstream,
    catalog,
    policies: options.policies,
    handler: options.handler,
    inClient,
    agentId: options.agentId ?? "mcp-gateway",
    clock,
    progressIntervalMs: options.progressIntervalMs ?? 10_000,
    upstreamTimeoutMs,
    routes: new ProgressRoutes(upstream),
    closing: openCalls.signal,
  };
  const each = (send: (server: Server) => Promise<void>) => {
    for (const server of servers) send(server).catch(onError);
  };

  upstream.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    catalog.invalidate();
    each((server) => server.sendToolListChanged());
  });
  upstream.fallbackNotificationHandler = async (notification) => {
    if (!FORWARDED_NOTIFICATIONS.has(notification.method)) return;
    each((server) => server.notification(notification as never));
  };
  upstream.onclose = () => {
    catalog.invalidate();
    openCalls.abort();
    options.onUpstreamClose?.();
  };

  const fastPath: FastPathOptions | undefined =
    options.fastPath !== false && capabilities.tools
      ? { relay, catalog, policies: options.policies, agentId: tools.agentId, onError }
      : undefined;

  const createServer = (): Server => {
    const server = new GatewayServer(
      { name, version: VERSION },
      { capabilities, instructions: upstream.getInstructions() },
      fastPath,
    );
    if (capabilities.tools) {
      server.setRequestHandler(ListToolsRequestSchema, (request, extra) =>
        catalog.list(request.params, extra.signal),
      );
      server.setRequestHandler(
        CallToolRequestSchema,
        (request, extra) =>
          openCalls.track(
            callTool(tools, {
              params: request.params as CallParams,
              server,
              requestId: extra.requestId,
              signal: extra.signal,
              progressToken: extra._meta?.progressToken as ProgressToken | undefined,
              verdict: server.session?.takeVerdict(
                extra.requestId,
                request.params.name,
                request.params.arguments as JsonObject | undefined,
              ),
              sendProgress: (params) =>
                extra.sendNotification({ method: "notifications/progress", params }),
            }),
          ) as never,
      );
    }
    passThrough(server, upstream, capabilities);
    if (forwardsToClient) forwardRootsChanged(server, upstream);
    servers.add(server);
    server.onclose = () => servers.delete(server);
    return server;
  };

  const server = createServer();
  return {
    server,
    createServer,
    upstream,
    async close() {
      await openCalls.close();
      for (const s of [...servers]) await s.close().catch(() => undefined);
      inClient.shutdown();
      await upstream.close().catch(() => undefined);
    },
  };
}
