/**
 * @module intercepted-transport
 * An SDK transport in front of another one that lets the gateway take some incoming
 * messages before the SDK's `Protocol` sees them (the fast path's own traffic) and learn when
 * the connection closes. Everything else is the inner transport's: sending, starting,
 * closing, its session id and protocol version. Handlers already set on the inner transport
 * (before the SDK connects) keep running.
 */
import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";

/** What the gateway does with the inner transport's events. */
export interface TransportHooks {
  /** Takes `message` (answers true) or leaves it to the SDK (false). */
  message(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): boolean;
  /** The connection closed (runs before the SDK hears of it). */
  close(): void;
}

/** `inner` with `hooks` seeing its incoming messages first. */
export class InterceptedTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: Transport["onmessage"];
  readonly inner: Transport;

  constructor(inner: Transport, hooks: TransportHooks) {
    this.inner = inner;
    this.onclose = inner.onclose;
    this.onerror = inner.onerror;
    this.onmessage = inner.onmessage;
    inner.onmessage = (message, extra) => {
      if (!hooks.message(message, extra)) this.onmessage?.(message, extra);
    };
    inner.onclose = () => {
      hooks.close();
      this.onclose?.();
    };
    inner.onerror = (error) => this.onerror?.(error);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }
}
