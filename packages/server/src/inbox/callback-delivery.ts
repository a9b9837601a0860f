/**
 * @module inbox/callback-delivery
 * Callbacks as the inbox runs them, around the {@link CallbackSender}: the URL is vetted
 * again at delivery (a URL stored before the allowlist was tightened is not called; without
 * an allowlist the addresses a name resolves to are checked too, see `callback-dispatcher`), how
 * each delivery ended is recorded in the store (`settleCallback`), failures become
 * `callback.failed` events, and at start-up the callbacks still owed from before a restart
 * are sent again, their retry window counted from the decision.
 */
import type { Clock, protocol } from "@safeguards/core";
import type { ActionStore, CallbackOutcome, StoredRecord } from "../store/action-store.js";
import type { CallbackUrlCheck } from "./callback-allowlist.js";
import { type CallbackLookup, createCallbackDispatcher } from "./callback-dispatcher.js";
import {
  type CallbackRetryOptions,
  type CallbackSender,
  createCallbackSender,
  DEFAULT_MAX_CONCURRENT,
} from "./callback-sender.js";
import type { InboxEvents } from "./inbox-events.js";
import { inFilingTrace } from "./inbox-telemetry.js";

/** Most owed callbacks sent again at start-up (the rest stay owed until the next start). */
const RESEND_LIMIT = 10_000;

/** Options of {@link createCallbackDelivery}. */
export interface CallbackDeliveryOptions {
  signingSecret: string;
  /** The secret of one agent's callbacks. @default always `signingSecret` */
  secretFor?: (agentId: string) => string;
  clock: Clock;
  retry?: CallbackRetryOptions;
  store: ActionStore;
  events: InboxEvents;
  checkCallbackUrl: CallbackUrlCheck;
  /** Only public addresses may be called (no `callbackUrls`): names are checked when resolved. */
  publicOnly: boolean;
  /** Resolves callback host names. @default the system resolver */
  lookup?: CallbackLookup | undefined;
  /** Most callback attempts in flight at once (and connections to one origin). @default 16 */
  maxConcurrent?: number | undefined;
  /** The wire record sent for a stored one. */
  toWire: (record: StoredRecord) => protocol.ActionRecord;
  /** Receives failures to record an outcome. */
  onError: (error: unknown) => void;
}

/** A {@link CallbackSender} that keeps the store's account of owed callbacks. */
export interface CallbackDelivery extends CallbackSender {
  /** Sends again every callback the store still owes; answers how many. */
  resendOwed(): Promise<number>;
}

/** Creates the inbox's {@link CallbackDelivery}. */
export function createCallbackDelivery(options: CallbackDeliveryOptions): CallbackDelivery {
  const { store, events } = options;
  const settle = (actionId: string, outcome: CallbackOutcome) => {
    store.settleCallback(actionId, outcome).catch(options.onError);
  };
  const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  const dispatcher = createCallbackDispatcher({
    publicOnly: options.publicOnly,
    lookup: options.lookup,
    connectionsPerOrigin: maxConcurrent,
  });
  const sender = createCallbackSender({
    signingSecret: options.signingSecret,
    ...(options.secretFor ? { secretFor: options.secretFor } : {}),
    clock: options.clock,
    dispatcher,
    ...(options.retry ? { retry: options.retry } : {}),
    maxConcurrent,
    onDelivered: (info) => settle(info.actionId, "delivered"),
    onGiveUp: (info) => {
      settle(info.actionId, "failed");
      events.emit({ type: "callback.failed", ...info });
    },
  });
  const deliver = (url: string, record: protocol.ActionRecord, since?: number) => {
    const refusal = options.checkCallbackUrl(url, record.agent_id);
    if (refusal === null) {
      sender.deliver(url, record, since);
      return;
    }
    settle(record.id, "failed");
    events.emit({ type: "callback.failed", actionId: record.id, url, attempts: 0, error: refusal });
  };
  return {
    ...sender,
    deliver,
    close() {
      sender.close();
      dispatcher.destroy().catch(() => {});
    },
    async resendOwed() {
      const owed = await store.pendingCallbacks(RESEND_LIMIT);
      for (const action of owed) {
        if (action.callbackUrl === null) continue;
        const decidedAt = Date.parse(action.record.decision?.decided_at ?? "");
        const url = action.callbackUrl;
        const since = Number.isNaN(decidedAt) ? undefined : decidedAt;
        inFilingTrace(action.record.traceparent, () =>
          deliver(url, options.toWire(action.record), since),
        );
      }
      return owed.length;
    },
  };
}
