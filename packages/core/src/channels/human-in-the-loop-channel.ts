/**
 * @module human-in-the-loop-channel
 * `HumanInTheLoopChannel`: the guide's channel made real. Files approval requests with an
 * approval inbox over HTTP (PROTOCOL.md) and hears each decision back over ONE long-poll
 * stream per channel (`GET /decisions`), optionally sped up by a signed callback receiver
 * (a callback only wakes a read of the record with the channel's key: the inbox is the truth).
 */
import type { RequestListener } from "node:http";
import type {
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import * as protocol from "../protocol/index.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import type { ApprovalChannel, DecisionListener } from "./approval-channel.js";
import { fetchRecord, isAlreadyFinal, postCancel, postRequest } from "./hitl/action-calls.js";
import { alertToRequest } from "./hitl/alert-request.js";
import type { Sleep } from "./hitl/backoff.js";
import type { CallbackStats } from "./hitl/callback-receiver.js";
import { type CallbackServer, closeServer, startCallbackServer } from "./hitl/callback-server.js";
import { type ChannelParts, createChannelParts } from "./hitl/channel-parts.js";
import { HitlConfigSchema, type HumanInTheLoopChannelConfig } from "./hitl/hitl-config.js";

/** Options of the {@link HumanInTheLoopChannel} constructor (code-level, not config). */
export interface HumanInTheLoopChannelOptions {
  /** Time for signatures, deadlines and backoff. @default systemClock */
  clock?: Clock;
  /** Waits between retries and polls; inject one that returns at once in tests. @default on `clock` */
  sleep?: Sleep;
  /** Random numbers for jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** First retry / reconnect delay (ms). @default 200 */
  backoffMs?: number;
  /** Receives errors of the decision stream (it retries) and of callbacks' reads. @default ignored */
  onStreamError?: (error: unknown) => void;
}

export type { CallbackServer } from "./hitl/callback-server.js";

/** How long `expireRequest` lets the inbox record its own expiry (seconds). */
const EXPIRY_WAIT_SECONDS = 2;

type Running = ChannelParts;

/**
 * An {@link ApprovalChannel} backed by an approval inbox (`@safeguards/server` or any server
 * speaking PROTOCOL.md). `sendNotification(alert)` files the alert as an approval request
 * (id = `alert.id`, decisions approve/reject, expiring after `alertTimeoutSeconds`, else
 * `timeoutSeconds`) and returns `true` once the inbox stored it; nobody waits for that
 * decision here.
 *
 * Two timeouts, as in the guide: `timeoutSeconds` (default 300) is the APPROVAL timeout, how
 * long a human has to decide; a {@link HumanActionHandler} uses it (via
 * {@link HumanInTheLoopChannel.defaultTimeoutSeconds}) when neither the request nor the
 * handler sets one. `requestTimeoutSeconds` (default 10) bounds each HTTP call, so one send
 * takes at most `requestTimeoutSeconds × (maxRetries + 1)` plus backoff.
 */
export class HumanInTheLoopChannel implements ApprovalChannel<HumanInTheLoopChannelConfig> {
  readonly #options: HumanInTheLoopChannelOptions;
  readonly #clock: Clock;
  readonly #listeners = new Set<DecisionListener>();
  /** Ids this channel waits for (filed or resumed here and not yet final). */
  readonly #pending = new Set<string>();
  #running: Running | undefined;

  constructor(options: HumanInTheLoopChannelOptions = {}) {
    refuseSnakeCaseKeys("HumanInTheLoopChannel", options);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Validates the config (camelCase; snake_case keys are refused) and sets up the client. */
  async initialize(config: HumanInTheLoopChannelConfig): Promise<void> {
    const parsed = parseConfig("HumanInTheLoopChannel", HitlConfigSchema, config);
    if (this.#running) await this.shutdown();
    const running = createChannelParts(parsed, {
      ...this.#options,
      clock: this.#clock,
      wanted: () => this.#pending.size > 0,
      waitingFor: (actionId) => this.#pending.has(actionId),
      onRecord: (record) => this.#deliver(record),
    });
    this.#running = running;
  }

  /**
   * The configured `timeoutSeconds` (approval timeout); `undefined` before `initialize` and
   * after `shutdown`. Read by {@link HumanActionHandler} at each request.
   */
  get defaultTimeoutSeconds(): number | undefined {
    return this.#running?.config.timeoutSeconds;
  }

  /** Number of actions this channel is waiting for. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The `/decisions` cursor reached so far (pass it as `decisionsCursor` to a new channel). */
  get cursor(): string | undefined {
    return this.#running?.stream.cursor;
  }

  /** Counts of the callback receiver (accepted, replayed, refused, settled, ...), if there is one. */
  get callbackStats(): CallbackStats | undefined {
    return this.#running?.callbacks?.stats;
  }

  /** Files the alert as an approval request; `true` when the inbox stored it, never throws. */
  async sendNotification(alert: SafetyAlert): Promise<boolean> {
    const running = this.#running;
    if (!running) return false;
    const request = alertToRequest(alert, {
      agentId: running.config.agentId,
      timeoutSeconds: running.config.alertTimeoutSeconds ?? running.config.timeoutSeconds,
      now: this.#clock.now(),
    });
    try {
      await postRequest(running.client, request, running.config.callbackUrl);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Files `request` (`POST /request-approval`, retried with backoff, idempotent by id).
   * Rejects with {@link ChannelDeliveryError} when the inbox cannot be reached, or with a
   * {@link SafeguardsError} carrying the inbox's error when it refuses the request.
   */
  async submitRequest(request: ApprovalRequest): Promise<void> {
    const running = this.#require();
    await running.stream.seedCursor();
    this.#pending.add(request.id);
    let record: protocol.ActionRecord;
    try {
      record = await postRequest(running.client, request, running.config.callbackUrl);
    } catch (error) {
      this.#pending.delete(request.id);
      throw error;
    }
    if (record.decision) this.#deliver(record);
    else running.stream.wake();
  }

  /** Subscribes to decisions; returns the unsubscribe function. */
  onDecision(listener: DecisionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `POST /actions/{id}/cancel`; when already final (409) answers the decision that won. */
  async cancelRequest(actionId: string): Promise<ApprovalDecision | undefined> {
    const running = this.#require();
    try {
      const record = await postCancel(running.client, actionId);
      return this.#finish(actionId, record);
    } catch (error) {
      if (!isAlreadyFinal(error)) throw error;
      const record = await fetchRecord(running.client, actionId);
      return record ? this.#finish(actionId, record) : undefined;
    }
  }

  /**
   * The handler's deadline passed. The inbox expires actions itself, so this reads the
   * record (holding briefly for the inbox's own expiry) and answers its decision; a record
   * still pending (clock skew) answers `undefined` and the handler times out locally.
   */
  async expireRequest(actionId: string): Promise<ApprovalDecision | undefined> {
    const running = this.#require();
    try {
      const record = await fetchRecord(running.client, actionId, EXPIRY_WAIT_SECONDS);
      return record ? this.#finish(actionId, record) : undefined;
    } finally {
      this.#pending.delete(actionId);
      running.stream.idle();
    }
  }

  /**
   * The handler gave up waiting on its own deadline (the inbox could not be reached, or had no
   * decision for it then): reported to the inbox once it answers (`POST
   * /actions/{id}/agent-timeout`), so its record and audit show that the agent did not act on
   * whatever the inbox recorded meanwhile. Never throws; retried with backoff.
   */
  reportLocalTimeout(actionId: string, timedOutAt: Date): void {
    this.#running?.timeouts.report(actionId, timedOutAt);
  }

  /** Local timeouts not yet reported to the inbox (0 before `initialize`). */
  get unreportedTimeouts(): number {
    return this.#running?.timeouts.queued ?? 0;
  }

  /** `GET /actions/{id}`: the request and its decision; `undefined` for 404. Tracks it while pending. */
  async getRecord(actionId: string): Promise<ApprovalRecord | undefined> {
    const running = this.#require();
    await running.stream.seedCursor();
    const record = await fetchRecord(running.client, actionId);
    if (!record) return undefined;
    if (record.status === "pending") {
      this.#pending.add(actionId);
      running.stream.wake();
    }
    return protocol.fromActionRecord(record);
  }

  /**
   * A `node:http` listener that receives the inbox's signed callbacks; mount it at the path
   * of `callbackUrl` on an existing server. Needs `callbackUrl` and `signingSecret`. A verified
   * callback only wakes a read of the record with this channel's key (`GET /actions/{id}`).
   */
  createCallbackHandler(): RequestListener {
    const callbacks = this.#require().callbacks;
    if (!callbacks) {
      throw new SafeguardsError(
        ErrorCode.NOT_INITIALIZED,
        "HumanInTheLoopChannel: set callbackUrl and signingSecret to receive callbacks",
      );
    }
    return callbacks.listener;
  }

  /** Runs the callback receiver on its own server; closed by `shutdown()`. */
  async listenForCallbacks(
    options: { port?: number; host?: string } = {},
  ): Promise<CallbackServer> {
    const running = this.#require();
    const { server, info } = await startCallbackServer(this.createCallbackHandler(), options);
    running.servers.push(server);
    return info;
  }

  /** Stops the decision stream, closes connections and callback servers. Waits end via the handler. */
  async shutdown(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    this.#pending.clear();
    if (!running) return;
    running.stream.close();
    running.timeouts.close();
    await Promise.all([running.client.close(), ...running.servers.map(closeServer)]);
  }

  #require(): Running {
    if (!this.#running) {
      throw new SafeguardsError(
        ErrorCode.NOT_INITIALIZED,
        "HumanInTheLoopChannel is not initialised (call initialize first) or was shut down",
      );
    }
    return this.#running;
  }

  #finish(actionId: string, record: protocol.ActionRecord): ApprovalDecision | undefined {
    const decision = protocol.fromActionRecord(record).decision ?? undefined;
    if (decision) {
      this.#pending.delete(actionId);
      this.#running?.stream.idle();
    }
    return decision;
  }

  #deliver(record: protocol.ActionRecord): void {
    if (!record.decision || !this.#pending.delete(record.id)) return;
    const decision = protocol.fromActionRecord(record).decision;
    this.#running?.stream.idle();
    if (!decision) return;
    for (const listener of this.#listeners) {
      try {
        listener(record.id, decision);
      } catch {
        // a listener's error must not stop the others
      }
    }
  }
}
