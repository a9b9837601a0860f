/**
 * @module http/request-origin
 * Where a request really came from: over https or not, and the client's address. Without
 * `trustProxy` only the connection counts (a client can forge any `X-Forwarded-*` header);
 * with it, the inbox sits behind one TLS proxy that sets `X-Forwarded-Proto` and appends the
 * client's address to `X-Forwarded-For`, and those are honoured. Also the HSTS middleware.
 */
import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";

/** `Strict-Transport-Security` sent when the inbox is reached over https. */
export const HSTS = "max-age=31536000";

/** Answers how a request reached the inbox. */
export interface RequestOrigin {
  /** Whether the client reached the inbox over https (directly, or through a trusted proxy). */
  isHttps(c: Context): boolean;
  /**
   * Whether cookies get `Secure` and pages send HSTS: over https, or when the inbox's public
   * URL is https.
   */
  secure(c: Context): boolean;
  /** The client's address (`"unknown"` when the server gives none, e.g. `inbox.fetch`). */
  clientAddress(c: Context): string;
}

/** The last comma-separated value of a header (the one the nearest proxy wrote). */
const lastValue = (value: string | undefined) => value?.split(",").at(-1)?.trim() || undefined;

/** Creates a {@link RequestOrigin}. */
export function createRequestOrigin(options: {
  trustProxy?: boolean;
  publicUrl?: string | undefined;
}): RequestOrigin {
  const trust = options.trustProxy === true;
  const publicHttps = options.publicUrl?.startsWith("https:") === true;
  const isHttps = (c: Context) =>
    new URL(c.req.url).protocol === "https:" ||
    (trust && lastValue(c.req.header("x-forwarded-proto"))?.toLowerCase() === "https");
  return {
    isHttps,
    secure: (c) => publicHttps || isHttps(c),
    clientAddress(c) {
      const forwarded = trust ? lastValue(c.req.header("x-forwarded-for")) : undefined;
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      return (forwarded ?? incoming?.socket.remoteAddress ?? "unknown").slice(0, 100);
    },
  };
}

/** Adds `Strict-Transport-Security` to every answer when {@link RequestOrigin.secure}. */
export function hstsMiddleware(origin: RequestOrigin): MiddlewareHandler {
  return async (c, next) => {
    if (origin.secure(c)) c.header("strict-transport-security", HSTS);
    await next();
  };
}
