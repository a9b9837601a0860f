/**
 * @module http/context
 * What every endpoint handler needs, built once by `createInbox`.
 */
import type { Clock, protocol } from "@safeguards/core";
import type { ActionService } from "../inbox/action-service.js";
import type { DecisionNotifier } from "../inbox/decision-notifier.js";
import type { ActionStore, StoredRecord } from "../store/action-store.js";
import type { Authenticator } from "./auth.js";

/** Shared dependencies of the HTTP handlers. */
export interface HttpContext {
  service: ActionService;
  store: ActionStore;
  notifier: DecisionNotifier;
  clock: Clock;
  /** Bearer tokens, after any user-supplied `authenticate`. */
  authenticator: Authenticator;
  /** The wire record (with `review_url`) as answered to a request at `requestUrl`. */
  toWire: (record: StoredRecord, requestUrl: string) => protocol.ActionRecord;
  /** Per-reviewer rights (reviewer accounts); absent = every reviewer sees everything. */
  canAccess?: (reviewer: string, record: StoredRecord) => boolean;
  /**
   * Checks Standard Webhooks headers over an agent's raw body when they are present (absent
   * when the inbox has no signing secret); throws 401 for a bad or stale signature.
   */
  verifySignature?: (raw: string, header: (name: string) => string | undefined) => void;
  /** Aborted when the inbox closes, to release long polls. */
  shutdown: AbortSignal;
}
