/**
 * @module not-approved-error
 * The error a guarded tool throws when a human did not let its call run: every adapter
 * (`@safeguards/langchain`, `@safeguards/ai-sdk`) throws this one class.
 */
import { ErrorCode, SafeguardsError } from "../errors.js";

/** Why the call did not run. */
export interface NotApprovedDetails {
  toolName: string;
  /** Final status of the action (`rejected`, `timed_out`, ...), or `failed` when none was filed. */
  status: string;
  reason: string;
  actionId?: string;
}

/**
 * Thrown by a guarded tool when the call was rejected, timed out, cancelled, or its
 * modification was invalid. Each adapter says when it throws it and when it answers the
 * model with the reason instead. Code: `SAFEGUARDS_NOT_APPROVED`.
 */
export class CallNotApprovedError extends SafeguardsError {
  readonly toolName: string;
  readonly status: string;
  readonly reason: string;

  constructor(details: NotApprovedDetails) {
    super(ErrorCode.NOT_APPROVED, `${details.toolName} was not run: ${details.reason}`, {
      details,
    });
    this.name = "CallNotApprovedError";
    this.toolName = details.toolName;
    this.status = details.status;
    this.reason = details.reason;
  }
}
