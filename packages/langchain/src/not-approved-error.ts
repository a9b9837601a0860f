/**
 * @module not-approved-error
 * The error a guarded tool throws when it is invoked directly (not as a model's tool
 * call) and a human did not let it run.
 */
import { ErrorCode, SafeguardsError } from "@safeguards/core";

/** Why the call did not run. */
export interface NotApprovedDetails {
  toolName: string;
  /** Final status of the action (`rejected`, `timed_out`, ...), or `failed` when none was filed. */
  status: string;
  reason: string;
  actionId?: string;
}

/**
 * Thrown by a tool from `withApproval` invoked with plain arguments when the call was
 * rejected, timed out, cancelled, or its modification was invalid. (Invoked as a tool
 * call, by an agent, the tool returns a ToolMessage with status "error" instead.)
 * Code: `SAFEGUARDS_NOT_APPROVED`.
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
