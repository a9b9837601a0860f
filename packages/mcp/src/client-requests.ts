/**
 * @module client-requests
 * Requests the upstream server sends to the client: `sampling/createMessage`,
 * `elicitation/create` and `roots/list`. The gateway declares these capabilities to the
 * upstream (it connects before any client does) and forwards each request to the one
 * connected client when that client declared the matching capability; the client's answer
 * goes back to the upstream, checked by the SDK's result schemas. Otherwise the upstream gets
 * the error the SDK answers for a method it does not handle: `-32601 Method not found`.
 * The upstream's cancellation (or its timeout) withdraws the forwarded request.
 *
 * A forwarded elicitation's message starts with {@link UPSTREAM_ELICITATION_MARK}, so the
 * person cannot take the upstream's question for one of the gateway's own approval prompts.
 * The answer goes to the upstream only: it approves nothing in the gateway.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CancelledNotificationSchema,
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type RequestId,
  ResultSchema,
  RootsListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject } from "@safeguards/core";

/** What the gateway offers the upstream: it can forward these to a client that has them. */
export const UPSTREAM_CLIENT_CAPABILITIES: ClientCapabilities = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

/** The first line of every elicitation message the gateway forwards from the upstream. */
export const UPSTREAM_ELICITATION_MARK =
  "[Asked by the upstream MCP server, not a Safeguards approval: your answer goes to that server and approves no tool call.]";

/** The error the SDK answers for a method with no handler (JSON-RPC -32601). */
function methodNotFound(reason?: string): Error {
  return Object.assign(new Error("Method not found"), {
    code: -32601,
    ...(reason === undefined ? {} : { data: { reason } }),
  });
}

type Forwarded = "sampling/createMessage" | "elicitation/create" | "roots/list";

/** True when `capabilities` (the client's) can answer `method` with these `params`. */
export function clientSupports(
  capabilities: ClientCapabilities | undefined,
  method: Forwarded,
  params: JsonObject,
): boolean {
  if (method === "roots/list") return capabilities?.roots !== undefined;
  if (method === "sampling/createMessage") {
    const sampling = capabilities?.sampling;
    if (sampling === undefined) return false;
    return (params.tools === undefined && params.toolChoice === undefined) || !!sampling.tools;
  }
  const elicitation = capabilities?.elicitation;
  if (elicitation === undefined) return false;
  if (params.mode === "url") return elicitation.url !== undefined;
  // An empty elicitation capability means form mode (the SDK's reading, for older clients).
  return elicitation.form !== undefined || Object.keys(elicitation).length === 0;
}

/**
 * Forwards the upstream's requests to the client to the single connected client session
 * (`connected()`), and that client's `notifications/roots/list_changed` to the upstream.
 * With no client, or several (Streamable HTTP sessions: which one the upstream means cannot
 * be known), the upstream gets `Method not found` with the reason in `data`.
 */
export function forwardClientRequests(
  upstream: Client,
  connected: () => Server[],
  options: { timeoutMs: number },
): void {
  // The upstream's cancellations of its requests, handled here rather than by the SDK, whose
  // clients up to at least 1.32 ignore one for request id 0 (typescript-sdk#2283): the
  // upstream's first request to the client could otherwise never be withdrawn. The gateway's
  // upstream client answers no other request that could be cancelled (only pings).
  const pending = new Map<RequestId, AbortController>();
  upstream.setNotificationHandler(CancelledNotificationSchema, (notification) => {
    const id = notification.params.requestId;
    if (id !== undefined) pending.get(id)?.abort(notification.params.reason);
  });
  const forward = (method: Forwarded) => async (request: { params?: unknown }, extra: Extra) => {
    const params = { ...((request.params ?? {}) as JsonObject) };
    const servers = connected();
    if (servers.length !== 1) {
      throw methodNotFound(
        servers.length === 0
          ? "No MCP client is connected to the gateway."
          : "Several MCP clients are connected to the gateway; which one to ask is unknown.",
      );
    }
    const server = servers[0] as Server;
    if (!clientSupports(server.getClientCapabilities(), method, params)) throw methodNotFound();
    const meta = params._meta as JsonObject | undefined;
    if (meta && "progressToken" in meta) {
      // The client's progress would come back to the gateway, which does not route it.
      const { progressToken: _, ...rest } = meta;
      params._meta = rest;
    }
    if (method === "elicitation/create") {
      params.message = `${UPSTREAM_ELICITATION_MARK}\n\n${String(params.message ?? "")}`;
    }
    const cancelled = new AbortController();
    pending.set(extra.requestId, cancelled);
    try {
      return await server.request({ method, params } as never, ResultSchema, {
        signal: AbortSignal.any([extra.signal, cancelled.signal]),
        timeout: options.timeoutMs,
      });
    } finally {
      if (pending.get(extra.requestId) === cancelled) pending.delete(extra.requestId);
    }
  };
  upstream.setRequestHandler(
    CreateMessageRequestSchema,
    forward("sampling/createMessage") as never,
  );
  upstream.setRequestHandler(ElicitRequestSchema, forward("elicitation/create") as never);
  upstream.setRequestHandler(ListRootsRequestSchema, forward("roots/list") as never);
}

/** Passes a client's `notifications/roots/list_changed` on to the upstream. */
export function forwardRootsChanged(server: Server, upstream: Client): void {
  server.setNotificationHandler(RootsListChangedNotificationSchema, () =>
    upstream.sendRootsListChanged(),
  );
}

type Extra = { signal: AbortSignal; requestId: RequestId };
