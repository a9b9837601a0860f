/**
 * @module http/context
 * What every endpoint handler needs, built once by `createInbox`.
 */
import type { Clock, protocol } from "@safeguards/core";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import type { ActionService } from "../inbox/action-service.js";
import type { DecisionNotifier } from "../inbox/decision-notifier.js";
import type { StoredRecord } from "../store/action-store.js";
import type { Authenticator } from "./auth.js";

/** Shared dependencies of the HTTP handlers (the store only through `service` and `gate`). */
export interface HttpContext {
  /** The agents' door to the store. */
  service: ActionService;
  /** The reviewers' door: the rights check in front of `service`. */
  gate: ReviewerGate;
  notifier: DecisionNotifier;
  clock: Clock;
  /** Bearer tokens, after any user-supplied `authenticate`. */
  authenticator: Authenticator;
  /** The wire record (with `review_url`) as answered to a request at `requestUrl`. */
  toWire: (record: StoredRecord, requestUrl: string) => protocol.ActionRecord;
  /**
   * Checks Standard Webhooks headers over an agent's raw body when they are present (absent
   * when the inbox has no signing secret); throws 401 for a bad or stale signature.
   */
  verifySignature?: (
    raw: string,
    header: (name: string) => string | undefined,
    agentId: string,
  ) => void;
  /** Aborted when the inbox closes, to release long polls. */
  shutdown: AbortSignal;
}
