/**
 * @module inbox/callback-delivery
 * Callbacks as the inbox runs them, around the {@link CallbackSender}: the URL is vetted
 * again at delivery (a URL stored before the allowlist was tightened is not called; without
 * an allowlist the addresses a name resolves to are checked too, see `callback-dispatcher`), how
 * each delivery ended is recorded in the store (`settleCallback`), failures become
 * `callback.failed` events, and at start-up the callbacks still owed from before a restart
 * are sent again, their retry window counted from the decision.
 *
 * Leases: this instance sends an owed callback only while it holds its lease in the store
 * (`leaseCallbacks`, taken atomically: one live holder at a time across instances sharing a
 * database). The deciding instance leases what it just decided; at start, and every third of
 * the lease time after, an instance renews its leases and takes owed callbacks without a live
 * lease (a dead instance's lapse after `leaseMs`). Closing releases the leases still held, so
 * another instance takes them at once. Delivery stays at least once, with one `webhook-id`.
 */
import { randomUUID } from "node:crypto";
import type { Clock, protocol } from "@safeguards/core";
import type {
  ActionStore,
  CallbackOutcome,
  StoredAction,
  StoredRecord,
} from "../store/action-store.js";
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

/** Most owed callbacks leased by one scan (the rest are taken by the next scans). */
const LEASE_BATCH = 10_000;

/** Default of `leaseMs`: how long a lease on an owed callback holds without renewal. */
export const DEFAULT_CALLBACK_LEASE_MS = 60_000;

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
  /** How long a lease on an owed callback holds unless renewed (ms). @default 60000 */
  leaseMs?: number | undefined;
}

/** A {@link CallbackSender} that keeps the store's account of owed callbacks. */
export interface CallbackDelivery extends CallbackSender {
  /**
   * Leases and sends the callbacks the store still owes with no live lease; answers how many.
   * The first call also starts the periodic renewal and scan.
   */
  resendOwed(): Promise<number>;
  /** Stops, then releases the leases still held (call before closing the store). */
  release(): Promise<void>;
}

/** Creates the inbox's {@link CallbackDelivery}. */
export function createCallbackDelivery(options: CallbackDeliveryOptions): CallbackDelivery {
  const { store, events, clock } = options;
  const owner = `inbox_${randomUUID()}`;
  const leaseMs = options.leaseMs ?? DEFAULT_CALLBACK_LEASE_MS;
  /** Action ids this instance is sending (each leased by it). */
  const sending = new Set<string>();
  const claims = new Set<Promise<unknown>>();
  let timer: unknown;
  let stopped = false;
  const settle = (actionId: string, outcome: CallbackOutcome) => {
    sending.delete(actionId);
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
    clock,
    dispatcher,
    ...(options.retry ? { retry: options.retry } : {}),
    maxConcurrent,
    onDelivered: (info) => settle(info.actionId, "delivered"),
    onGiveUp: (info) => {
      settle(info.actionId, "failed");
      events.emit({ type: "callback.failed", ...info });
    },
  });
  /** Sends a callback this instance has leased (once, however often it is leased again). */
  const send = (url: string, record: protocol.ActionRecord, since?: number) => {
    if (stopped || sending.has(record.id)) return;
    const refusal = options.checkCallbackUrl(url, record.agent_id);
    if (refusal === null) {
      sending.add(record.id);
      sender.deliver(url, record, since);
      return;
    }
    settle(record.id, "failed");
    events.emit({ type: "callback.failed", actionId: record.id, url, attempts: 0, error: refusal });
  };
  const sendLeased = (action: StoredAction) => {
    if (action.callbackUrl === null) return;
    const decidedAt = Date.parse(action.record.decision?.decided_at ?? "");
    send(
      action.callbackUrl,
      options.toWire(action.record),
      Number.isNaN(decidedAt) ? undefined : decidedAt,
    );
  };
  const lease = (actionId?: string) => {
    const nowMs = clock.now();
    return store.leaseCallbacks({
      owner,
      nowMs,
      untilMs: nowMs + leaseMs,
      limit: LEASE_BATCH,
      ...(actionId === undefined ? {} : { actionId }),
    });
  };
  /** Runs `work` counted by `idle()`; its failure goes to `onError`. */
  const track = (work: Promise<unknown>) => {
    const claim = work.catch(options.onError).finally(() => claims.delete(claim));
    claims.add(claim);
  };
  const scan = async () => {
    if (stopped) return 0;
    if (sending.size > 0) await store.renewCallbackLeases(owner, clock.now() + leaseMs);
    const leased = await lease();
    for (const action of leased) {
      inFilingTrace(action.record.traceparent, () => sendLeased(action));
    }
    return leased.length;
  };
  const tick = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      track(scan());
      tick();
    }, leaseMs / 3);
  };
  const stop = () => {
    stopped = true;
    if (timer !== undefined) clock.clearTimeout(timer);
    sender.close();
    dispatcher.destroy().catch(() => {});
  };
  return {
    // A decision just made here: lease its callback (another instance's scan may have won it).
    deliver(url, record) {
      if (stopped) return;
      track(
        lease(record.id).then((leased) => {
          for (const action of leased) if (action.callbackUrl === url) sendLeased(action);
        }),
      );
    },
    async idle() {
      while (claims.size > 0) await Promise.all([...claims]);
      await sender.idle();
    },
    close: stop,
    async release() {
      stop();
      await Promise.all([...claims]);
      sending.clear();
      await store.releaseCallbackLeases(owner);
    },
    async resendOwed() {
      const count = await scan();
      if (timer === undefined) tick();
      return count;
    },
  };
}
