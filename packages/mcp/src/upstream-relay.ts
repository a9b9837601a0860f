/**
 * @module upstream-relay
 * The upstream half of the fast path: sends a client's un-flagged `tools/call` to the
 * upstream transport as raw JSON-RPC under an id of the gateway's own (`safeguards-fast-<n>`,
 * never a number like the SDK client's ids, never chosen by a client), and relays the
 * upstream's progress and answer for that id back to the one client that asked, with the
 * client's own id and progress token put back. No schema parsing in between. A call ends with
 * exactly one answer to the client: the upstream's, or a JSON-RPC error when the upstream
 * closes, the send fails, or the call outlives `timeoutMs`. Nothing is answered after the
 * client cancelled.
 */
import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ErrorCode,
  type JSONRPCMessage,
  McpError,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { Clock, JsonObject } from "@safeguards/core";
import { InterceptedTransport } from "./intercepted-transport.js";
import type { ProgressToken } from "./progress.js";

/** Where the answer of one relayed call goes. */
export interface ClientLink {
  /** The client's request id. */
  id: RequestId;
  /** The client's progress token, when it asked for progress. */
  progressToken: ProgressToken | undefined;
  /** Sends a message to that client. */
  send(message: JSONRPCMessage, options?: TransportSendOptions): void;
  /** The call ended (answered, failed or cancelled). */
  ended(): void;
}

/** One relayed call. */
export interface RelayedCall {
  /** Cancels the call upstream (`notifications/cancelled`); the client hears nothing more of it. */
  cancel(reason: unknown): void;
}

/** The prefix of the gateway's own request ids and progress tokens on the upstream. */
export const FAST_ID_PREFIX = "safeguards-fast-";

interface Pending {
  client: ClientLink;
  timer: unknown;
}

/** Relays fast-path calls over one upstream connection. */
export class UpstreamRelay {
  readonly #calls = new Map<string, Pending>();
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  #transport: Transport | undefined;
  #closed = false;
  #next = 0;

  constructor(options: { clock: Clock; timeoutMs: number }) {
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
  }

  /** The transport the SDK client connects to: `inner`, with the relay's traffic taken off it. */
  attach(inner: Transport): Transport {
    this.#transport = inner;
    return new InterceptedTransport(inner, {
      message: (message) => this.#take(message),
      close: () => this.#close(),
    });
  }

  /** True while calls can be relayed (attached, and the upstream has not closed). */
  get open(): boolean {
    return this.#transport !== undefined && !this.#closed;
  }

  /** Sends `params` upstream as a `tools/call`; the answer goes to `client`. */
  call(params: JsonObject, client: ClientLink): RelayedCall {
    this.#next += 1;
    const id = `${FAST_ID_PREFIX}${this.#next}`;
    const timer = this.#clock.setTimeout(() => {
      this.#cancelUpstream(id, "Request timed out");
      this.#fail(
        id,
        new McpError(ErrorCode.RequestTimeout, "Request timed out", {
          timeout: this.#timeoutMs,
        }),
      );
    }, this.#timeoutMs);
    this.#calls.set(id, { client, timer });
    const request: JSONRPCMessage = {
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: client.progressToken === undefined ? params : withProgressToken(params, id),
    };
    (this.#transport as Transport).send(request).catch((error: unknown) => {
      this.#fail(
        id,
        new McpError(
          ErrorCode.InternalError,
          `The upstream MCP server failed the call: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    });
    return {
      cancel: (reason) => {
        if (!this.#forget(id)) return;
        this.#cancelUpstream(id, reason);
      },
    };
  }

  /** Takes the upstream's answers and progress for the relay's own ids. */
  #take(message: JSONRPCMessage): boolean {
    const m = message as { id?: unknown; method?: unknown; params?: { progressToken?: unknown } };
    if (m.method === undefined) {
      if (typeof m.id !== "string" || !m.id.startsWith(FAST_ID_PREFIX)) return false;
      const pending = this.#forgetAndGet(m.id);
      pending?.client.send({ ...message, id: pending.client.id } as JSONRPCMessage);
      return true; // an answer to a call already ended (cancelled, timed out) is dropped
    }
    if (m.method !== "notifications/progress") return false;
    const token = m.params?.progressToken;
    if (typeof token !== "string" || !token.startsWith(FAST_ID_PREFIX)) return false;
    const client = this.#calls.get(token)?.client;
    if (client?.progressToken !== undefined) {
      const params = { ...m.params, progressToken: client.progressToken };
      client.send({ ...message, params } as JSONRPCMessage, { relatedRequestId: client.id });
    }
    return true;
  }

  #close(): void {
    this.#closed = true;
    for (const id of [...this.#calls.keys()]) {
      this.#fail(id, new McpError(ErrorCode.ConnectionClosed, "Connection closed"));
    }
  }

  /** Answers the call's client with `error` (the SDK's own wording) and forgets the call. */
  #fail(id: string, error: McpError): void {
    const pending = this.#forgetAndGet(id);
    if (!pending) return;
    const { code, message, data } = error;
    pending.client.send({
      jsonrpc: "2.0",
      id: pending.client.id,
      error: { code, message, ...(data !== undefined ? { data } : {}) },
    });
  }

  #cancelUpstream(id: string, reason: unknown): void {
    if (this.#closed) return;
    const notice: JSONRPCMessage = {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, reason: String(reason) },
    };
    this.#transport?.send(notice).catch(() => undefined);
  }

  #forget(id: string): boolean {
    return this.#forgetAndGet(id) !== undefined;
  }

  #forgetAndGet(id: string): Pending | undefined {
    const pending = this.#calls.get(id);
    if (!pending) return undefined;
    this.#calls.delete(id);
    this.#clock.clearTimeout(pending.timer);
    pending.client.ended();
    return pending;
  }
}

/** `params` with the gateway's progress token in place of the client's. */
function withProgressToken(params: JsonObject, token: string): JsonObject {
  const meta = (params._meta ?? {}) as JsonObject;
  return { ...params, _meta: { ...meta, progressToken: token } };
}
