/**
 * @module errors
 * One base class, {@link SafeguardsError}, with a stable machine-readable `code`.
 */

/** Every stable error code thrown by Safeguards packages. */
export const ErrorCode = {
  INVALID_CONFIG: "SAFEGUARDS_INVALID_CONFIG",
  INVALID_ARGUMENT: "SAFEGUARDS_INVALID_ARGUMENT",
  NOT_INITIALIZED: "SAFEGUARDS_NOT_INITIALIZED",
  NOT_FOUND: "SAFEGUARDS_NOT_FOUND",
  ALREADY_DECIDED: "SAFEGUARDS_ALREADY_DECIDED",
  /** The reviewer already approved this action's arguments; a quorum counts each reviewer once. */
  ALREADY_APPROVED: "SAFEGUARDS_ALREADY_APPROVED",
  EXPIRED: "SAFEGUARDS_EXPIRED",
  DECISION_NOT_ALLOWED: "SAFEGUARDS_DECISION_NOT_ALLOWED",
  INVALID_MODIFICATION: "SAFEGUARDS_INVALID_MODIFICATION",
  DUPLICATE_CHANNEL: "SAFEGUARDS_DUPLICATE_CHANNEL",
  CHANNEL_DELIVERY_FAILED: "SAFEGUARDS_CHANNEL_DELIVERY_FAILED",
  TIMEOUT: "SAFEGUARDS_TIMEOUT",
  ABORTED: "SAFEGUARDS_ABORTED",
  PROTOCOL: "SAFEGUARDS_PROTOCOL",
  UNAUTHORIZED: "SAFEGUARDS_UNAUTHORIZED",
  CONFLICT: "SAFEGUARDS_CONFLICT",
  POLICY_FAILED: "SAFEGUARDS_POLICY_FAILED",
  ARGS_MISMATCH: "SAFEGUARDS_ARGS_MISMATCH",
  SHUT_DOWN: "SAFEGUARDS_SHUT_DOWN",
  /** The inbox refused a request over a quota (too many pending actions or open waits). */
  QUOTA_EXCEEDED: "SAFEGUARDS_QUOTA_EXCEEDED",
  /** A guarded call was not run: rejected, timed out, cancelled or invalid. */
  NOT_APPROVED: "SAFEGUARDS_NOT_APPROVED",
} as const;

/** A stable error code (see {@link ErrorCode}). */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options accepted by {@link SafeguardsError}. */
export interface SafeguardsErrorOptions<TDetails = unknown> {
  cause?: unknown;
  /** Extra structured information (for example the offending field). */
  details?: TDetails;
}

/**
 * Marks every {@link SafeguardsError}, so {@link isSafeguardsError} recognises errors made
 * by another installed copy of the package (where `instanceof` fails). `Symbol.for` gives
 * the same symbol in every copy.
 */
const MARKER = Symbol.for("safeguards.error");

/** Base class of every error Safeguards throws; switch on `code`, not on the message. */
export class SafeguardsError<TDetails = unknown> extends Error {
  /** Stable, documented code. */
  readonly code: ErrorCode;
  /** Extra structured information, when there is any. */
  readonly details: TDetails;

  constructor(code: ErrorCode, message: string, options: SafeguardsErrorOptions<TDetails> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, MARKER, { value: true });
    this.name = "SafeguardsError";
    this.code = code;
    this.details = options.details as TDetails;
  }
}

/** Thrown when a configuration object is invalid; the message names the key. */
export class InvalidConfigError extends SafeguardsError {
  constructor(message: string, options: SafeguardsErrorOptions = {}) {
    super(ErrorCode.INVALID_CONFIG, message, options);
    this.name = "InvalidConfigError";
  }
}

/** Thrown when a decision arrives for an action that already has a final status. */
export class AlreadyDecidedError extends SafeguardsError<{ actionId: string; status: string }> {
  constructor(actionId: string, status: string) {
    super(
      ErrorCode.ALREADY_DECIDED,
      `Action ${actionId} is already ${status}; the first decision wins and this one was refused.`,
      { details: { actionId, status } },
    );
    this.name = "AlreadyDecidedError";
  }
}

/** Thrown when a decision arrives after the action's deadline. */
export class ActionExpiredError extends SafeguardsError<{ actionId: string }> {
  constructor(actionId: string) {
    super(ErrorCode.EXPIRED, `Action ${actionId} has expired; the decision was refused.`, {
      details: { actionId },
    });
    this.name = "ActionExpiredError";
  }
}

/** Thrown when a modification is not structured, names unknown fields or fails the schema. */
export class InvalidModificationError extends SafeguardsError {
  constructor(message: string, details?: unknown) {
    super(ErrorCode.INVALID_MODIFICATION, message, { details });
    this.name = "InvalidModificationError";
  }
}

/** Thrown when an approval request could not be delivered; the action is never treated as approved. */
export class ChannelDeliveryError extends SafeguardsError {
  constructor(message: string, options: SafeguardsErrorOptions = {}) {
    super(ErrorCode.CHANNEL_DELIVERY_FAILED, message, options);
    this.name = "ChannelDeliveryError";
  }
}

/**
 * True when `error` is a {@link SafeguardsError}, optionally with the given code. Checked by
 * its marker, not `instanceof`, so an error from another installed copy of the package counts.
 */
export function isSafeguardsError(error: unknown, code?: ErrorCode): error is SafeguardsError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { [MARKER]?: unknown })[MARKER] === true &&
    (code === undefined || (error as { code?: unknown }).code === code)
  );
}
