/**
 * @module http/errors
 * The error body of PROTOCOL.md, `{"error": {code, message, details}}`, and the global error
 * handler: refusals map to their 4xx, anything unexpected to 500 `internal_error`.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { InboxError } from "../inbox/inbox-error.js";
import { WAIT_RETRY_AFTER_SECONDS } from "../inbox/wait-limiter.js";

/** The protocol code for a framework-raised HTTP status (a 4xx it refused with). */
const CODE_BY_STATUS: Partial<Record<number, protocol.WireErrorCode>> = {
  400: protocol.WireErrorCode.INVALID_REQUEST,
  401: protocol.WireErrorCode.UNAUTHORIZED,
  403: protocol.WireErrorCode.FORBIDDEN,
  404: protocol.WireErrorCode.NOT_FOUND,
  405: protocol.WireErrorCode.METHOD_NOT_ALLOWED,
  409: protocol.WireErrorCode.CONFLICT,
  413: protocol.WireErrorCode.PAYLOAD_TOO_LARGE,
  415: protocol.WireErrorCode.UNSUPPORTED_MEDIA_TYPE,
};

/** Content type of error bodies. */
export const ERROR_CONTENT_TYPE = "application/json; charset=utf-8";

/** The protocol's error body. */
export function errorBody(
  code: protocol.WireErrorCode,
  message: string,
  details?: unknown,
): protocol.ErrorBody {
  return { error: { code, message, details: details ?? null } };
}

/** A JSON error response. */
export function errorResponse(
  code: protocol.WireErrorCode,
  message: string,
  details?: unknown,
): Response {
  return new Response(JSON.stringify(errorBody(code, message, details)), {
    status: protocol.WIRE_ERROR_STATUS[code],
    headers: { "content-type": ERROR_CONTENT_TYPE },
  });
}

/**
 * The answer to an error thrown by an endpoint: a refusal's 4xx, or (reported to `onError`)
 * 500 `internal_error` for anything unexpected.
 */
export function errorResult(
  error: unknown,
  onError: (error: unknown) => void,
): { status: number; body: protocol.ErrorBody } {
  if (error instanceof InboxError) {
    const body = errorBody(error.wireCode, error.message, error.details);
    return { status: error.status, body };
  }
  onError(error);
  const code = protocol.WireErrorCode.INTERNAL;
  return { status: protocol.WIRE_ERROR_STATUS[code], body: errorBody(code, INTERNAL_MESSAGE) };
}

const INTERNAL_MESSAGE = "Internal error; the request was not applied";

/** Global error handler for the Hono app. */
export function createErrorHandler(onError: (error: unknown) => void) {
  return (error: unknown, _c: Context): Response => {
    if (error instanceof HTTPException && error.status < 500) {
      // A refusal raised by the framework or a middleware (e.g. a body limit): keep its 4xx.
      const code = CODE_BY_STATUS[error.status] ?? protocol.WireErrorCode.INVALID_REQUEST;
      const response = errorResponse(code, error.message || `Request refused (${error.status})`);
      return new Response(response.body, { status: error.status, headers: response.headers });
    }
    const { status, body } = errorResult(error, onError);
    const headers: Record<string, string> = { "content-type": ERROR_CONTENT_TYPE };
    // A wait slot frees up when another wait ends: worth retrying soon.
    if (body.error.code === protocol.WireErrorCode.TOO_MANY_WAITS)
      headers["retry-after"] = String(WAIT_RETRY_AFTER_SECONDS);
    return new Response(JSON.stringify(body), { status, headers });
  };
}
