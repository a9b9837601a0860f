/**
 * @module inbox/inbox-error
 * The error the inbox's operations throw for a refused request; carries the wire code of
 * PROTOCOL.md, which the HTTP layer maps to a status.
 */
import { protocol } from "@safeguards/core";

/** A refused request with a stable wire `code` (see `protocol.WireErrorCode`). */
export class InboxError extends Error {
  readonly code: protocol.WireErrorCode;
  readonly details: unknown;

  constructor(code: protocol.WireErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "InboxError";
    this.code = code;
    this.details = details;
  }
}

/** HTTP status of each wire error code. */
export const STATUS_BY_CODE: Record<protocol.WireErrorCode, number> = {
  [protocol.WireErrorCode.INVALID_REQUEST]: 400,
  [protocol.WireErrorCode.UNAUTHORIZED]: 401,
  [protocol.WireErrorCode.FORBIDDEN]: 403,
  [protocol.WireErrorCode.NOT_FOUND]: 404,
  [protocol.WireErrorCode.METHOD_NOT_ALLOWED]: 405,
  [protocol.WireErrorCode.CONFLICT]: 409,
  [protocol.WireErrorCode.ALREADY_DECIDED]: 409,
  [protocol.WireErrorCode.EXPIRED]: 409,
  [protocol.WireErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [protocol.WireErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [protocol.WireErrorCode.INVALID_MODIFICATION]: 422,
  [protocol.WireErrorCode.DECISION_NOT_ALLOWED]: 422,
  [protocol.WireErrorCode.ARGS_HASH_MISMATCH]: 422,
  [protocol.WireErrorCode.CALLBACK_URL_NOT_ALLOWED]: 422,
  [protocol.WireErrorCode.INTERNAL]: 500,
};
