/**
 * @module protocol/wire-errors
 * What each wire error code of PROTOCOL.md means on both sides: its HTTP status, and the
 * {@link ErrorCode} it stands for (the inbox's errors and the client's refusals carry the
 * same one).
 */
import { ErrorCode } from "../errors.js";
import { WireErrorCode } from "./schemas.js";

/** HTTP status of each wire error code. */
export const WIRE_ERROR_STATUS: Record<WireErrorCode, number> = {
  [WireErrorCode.INVALID_REQUEST]: 400,
  [WireErrorCode.UNAUTHORIZED]: 401,
  [WireErrorCode.FORBIDDEN]: 403,
  [WireErrorCode.NOT_FOUND]: 404,
  [WireErrorCode.METHOD_NOT_ALLOWED]: 405,
  [WireErrorCode.CONFLICT]: 409,
  [WireErrorCode.ALREADY_DECIDED]: 409,
  [WireErrorCode.ALREADY_APPROVED]: 409,
  [WireErrorCode.EXPIRED]: 409,
  [WireErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [WireErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [WireErrorCode.INVALID_MODIFICATION]: 422,
  [WireErrorCode.DECISION_NOT_ALLOWED]: 422,
  [WireErrorCode.ARGS_HASH_MISMATCH]: 422,
  [WireErrorCode.CALLBACK_URL_NOT_ALLOWED]: 422,
  [WireErrorCode.QUORUM_UNREACHABLE]: 422,
  [WireErrorCode.TOO_MANY_PENDING]: 429,
  [WireErrorCode.TOO_MANY_WAITS]: 429,
  [WireErrorCode.STILL_PENDING]: 409,
  [WireErrorCode.INTERNAL]: 500,
};

/** The {@link ErrorCode} of each wire error code. */
export const ERROR_CODE_OF_WIRE: Record<WireErrorCode, ErrorCode> = {
  [WireErrorCode.INVALID_REQUEST]: ErrorCode.INVALID_ARGUMENT,
  [WireErrorCode.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [WireErrorCode.FORBIDDEN]: ErrorCode.UNAUTHORIZED,
  [WireErrorCode.NOT_FOUND]: ErrorCode.NOT_FOUND,
  [WireErrorCode.METHOD_NOT_ALLOWED]: ErrorCode.PROTOCOL,
  [WireErrorCode.CONFLICT]: ErrorCode.CONFLICT,
  [WireErrorCode.ALREADY_DECIDED]: ErrorCode.ALREADY_DECIDED,
  [WireErrorCode.ALREADY_APPROVED]: ErrorCode.ALREADY_APPROVED,
  [WireErrorCode.EXPIRED]: ErrorCode.EXPIRED,
  [WireErrorCode.PAYLOAD_TOO_LARGE]: ErrorCode.INVALID_ARGUMENT,
  [WireErrorCode.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.PROTOCOL,
  [WireErrorCode.INVALID_MODIFICATION]: ErrorCode.INVALID_MODIFICATION,
  [WireErrorCode.DECISION_NOT_ALLOWED]: ErrorCode.DECISION_NOT_ALLOWED,
  [WireErrorCode.ARGS_HASH_MISMATCH]: ErrorCode.ARGS_MISMATCH,
  [WireErrorCode.CALLBACK_URL_NOT_ALLOWED]: ErrorCode.INVALID_ARGUMENT,
  [WireErrorCode.QUORUM_UNREACHABLE]: ErrorCode.INVALID_ARGUMENT,
  [WireErrorCode.TOO_MANY_PENDING]: ErrorCode.QUOTA_EXCEEDED,
  [WireErrorCode.TOO_MANY_WAITS]: ErrorCode.QUOTA_EXCEEDED,
  [WireErrorCode.STILL_PENDING]: ErrorCode.CONFLICT,
  [WireErrorCode.INTERNAL]: ErrorCode.PROTOCOL,
};

/**
 * The {@link ErrorCode} of an inbox's error answer: by its wire `code` when it is one of
 * PROTOCOL.md's, else (an unknown code, or no error body) by the HTTP status.
 */
export function errorCodeOfAnswer(code: string, status: number): ErrorCode {
  if (Object.hasOwn(ERROR_CODE_OF_WIRE, code)) return ERROR_CODE_OF_WIRE[code as WireErrorCode];
  if (status === 401 || status === 403) return ErrorCode.UNAUTHORIZED;
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 409) return ErrorCode.CONFLICT;
  return ErrorCode.PROTOCOL;
}
