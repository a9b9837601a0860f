/**
 * @module inbox/inbox-error
 * The error the inbox's operations throw for a refused request: a {@link SafeguardsError}
 * whose `code` is the matching `ErrorCode`, carrying the wire code of PROTOCOL.md and its
 * HTTP status, which the HTTP layer answers with.
 */
import { protocol, SafeguardsError } from "@safeguards/core";

/**
 * A refused request: `wireCode` (see `protocol.WireErrorCode`) and `status` are what the API
 * answers; `code` is the `ErrorCode` a client sees for the same refusal; `details` goes into
 * the error body.
 */
export class InboxError extends SafeguardsError {
  /** The protocol's error code, e.g. `already_decided`. */
  readonly wireCode: protocol.WireErrorCode;
  /** The HTTP status of `wireCode`. */
  readonly status: number;

  constructor(wireCode: protocol.WireErrorCode, message: string, details?: unknown) {
    super(protocol.ERROR_CODE_OF_WIRE[wireCode], message, { details });
    this.name = "InboxError";
    this.wireCode = wireCode;
    this.status = protocol.WIRE_ERROR_STATUS[wireCode];
  }
}
