/**
 * @module http/errors
 * The error body of PROTOCOL.md, `{"error": {code, message, details}}`, and the global error
 * handler: refusals map to their 4xx, anything unexpected to 500 `internal_error`.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { InboxError, STATUS_BY_CODE } from "../inbox/inbox-error.js";

/** A JSON error response. */
export function errorResponse(
  code: protocol.WireErrorCode,
  message: string,
  details?: unknown,
): Response {
  const body: protocol.ErrorBody = { error: { code, message, details: details ?? null } };
  return new Response(JSON.stringify(body), {
    status: STATUS_BY_CODE[code],
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Global error handler for the Hono app. */
export function createErrorHandler(onError: (error: unknown) => void) {
  return (error: unknown, _c: Context): Response => {
    if (error instanceof InboxError) return errorResponse(error.code, error.message, error.details);
    onError(error);
    return errorResponse(
      protocol.WireErrorCode.INTERNAL,
      "Internal error; the request was not applied",
    );
  };
}
