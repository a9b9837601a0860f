/**
 * @module hitl/alert-request
 * How `HumanInTheLoopChannel.sendNotification` files an alert: as an approval request with
 * the alert's id, text and severity, decisions approve/reject, expiring after a timeout.
 */

import type { ApprovalRequest } from "../../actions/approval-request.js";
import type { SafetyAlert } from "../../alerts/safety-alert.js";

/** The approval request filed for `alert`. */
export function alertToRequest(
  alert: SafetyAlert,
  options: { agentId: string; timeoutSeconds: number; now: number },
): ApprovalRequest {
  return {
    id: alert.id,
    title: alert.title,
    description: alert.description,
    severity: alert.severity,
    agentId: alert.agentId ?? options.agentId,
    metadata: alert.metadata,
    allowedDecisions: ["approve", "reject"],
    createdAt: new Date(options.now),
    expiresAt: new Date(options.now + options.timeoutSeconds * 1000),
  };
}
