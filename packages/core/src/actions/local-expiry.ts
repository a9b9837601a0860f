/**
 * @module local-expiry
 * What happens when an action's deadline passes in the agent: the channel is asked to expire
 * it (within a grace period); a valid decision it already had wins, otherwise the action
 * times out here and the channel is told the agent will not act on a later decision.
 */
import type { ApprovalChannel } from "../channels/approval-channel.js";
import type { ActionTrace } from "../telemetry/action-trace.js";
import type { Clock } from "../util/clock.js";
import { settleWithin } from "../util/settle-within.js";
import { ActionStatus } from "./action-status.js";
import type { ApprovalDecision } from "./approval-request.js";
import { assertDecisionFits } from "./check-decision.js";
import type { HandlerErrorContext } from "./handler-options.js";
import type { HumanAction } from "./human-action.js";

/** What {@link expireLocally} needs from the handler. */
export interface LocalExpiryContext {
  channel: ApprovalChannel;
  clock: Clock;
  /** How long the channel may take to confirm the expiry (ms). */
  graceMs: number;
  onError: (error: unknown, context: HandlerErrorContext) => void;
  /** Settles the action; `false` when it was already settled. */
  settle: (decision: ApprovalDecision) => boolean;
}

/** Expires a tracked pending action whose deadline has passed (see the module comment). */
export async function expireLocally(
  ctx: LocalExpiryContext,
  tracked: { action: HumanAction; trace: ActionTrace },
): Promise<void> {
  const id = tracked.action.id;
  let earlier: ApprovalDecision | undefined;
  const asked = await settleWithin(() => ctx.channel.expireRequest(id), ctx.graceMs, ctx.clock);
  if (asked.kind === "value") earlier = asked.value;
  if (asked.kind === "error") {
    ctx.onError(asked.error, { actionId: id, phase: "expire" });
    tracked.trace.error(asked.error);
  }
  if (earlier && earlier.status !== ActionStatus.TIMED_OUT) {
    try {
      assertDecisionFits(tracked.action, earlier);
    } catch (error) {
      ctx.onError(error, { actionId: id, phase: "decision" });
      earlier = undefined;
    }
  }
  if (earlier) {
    ctx.settle(earlier);
    return;
  }
  const decidedAt = new Date(ctx.clock.now());
  // Only a timeout that settled the action here is one the agent will not go back on.
  if (!ctx.settle({ status: ActionStatus.TIMED_OUT, decidedAt })) return;
  try {
    ctx.channel.reportLocalTimeout?.(id, decidedAt);
  } catch (error) {
    ctx.onError(error, { actionId: id, phase: "expire" });
  }
}
