/**
 * @module approval-request
 * What an action asks a human (the request, its tool call) and what it gets back (the
 * decision), as the handler, the channels and the wire conversions share them.
 */
import type { AlertSeverity } from "../alerts/safety-alert.js";
import type { JsonObject } from "../util/json.js";
import type { DecisionType, TerminalStatus } from "./action-status.js";

/** The tool call an approval is about, when there is one. */
export interface ActionCall {
  /** Tool or operation name, e.g. `transfer_funds`. */
  name: string;
  /** The exact arguments that will run if approved. */
  args: JsonObject;
  /** JSON Schema of `args`; a modification must validate against it. */
  argsSchema?: JsonObject;
}

/** One reviewer's approval of the arguments under review (quorum). */
export interface Approval {
  reviewer: string;
  decidedAt: Date;
  comments?: string;
}

/**
 * One escalation step: when the action is still pending `afterSeconds` after its creation,
 * `assignees` are added to who may decide (the earlier ones keep their right) and told.
 */
export interface EscalationStep {
  afterSeconds: number;
  /** Reviewer names and `group:<name>` entries. */
  assignees: string[];
}

/** Everything a channel needs to ask a human about one action. */
export interface ApprovalRequest {
  id: string;
  title: string;
  description: string;
  severity: AlertSeverity;
  agentId: string;
  metadata: JsonObject;
  action?: ActionCall;
  /** `sha256:<hex>` of the canonical JSON of `action.args` (present iff `action` is). */
  argsHash?: string;
  allowedDecisions: DecisionType[];
  createdAt: Date;
  expiresAt: Date;
  /** Reviewer names and `group:<name>` entries who may decide; absent: every reviewer. */
  assignees?: string[];
  /** How many distinct eligible reviewers must approve. @default 1 */
  requiredApprovals?: number;
  /** Who is added, and when, while nobody decides (increasing, each before `expiresAt`). */
  escalation?: EscalationStep[];
}

/** The final outcome of an action, as a channel reports it. */
export interface ApprovalDecision {
  status: TerminalStatus;
  /** For MODIFIED: the changed fields only (field -> new value). */
  responseData?: JsonObject;
  comments?: string;
  /** The authenticated reviewer; absent for timeouts and cancellations. */
  reviewer?: string;
  decidedAt: Date;
  /** Who approved: the approvals that settled it (approved, modified), else those made before. */
  approvals?: Approval[];
}

/** The request and, if decided, the decision, as a channel knows them now. */
export interface ApprovalRecord {
  request: ApprovalRequest;
  decision: ApprovalDecision | null;
}
