/**
 * @module human-action-handler
 * Files requests for human decisions through an approval channel, enforces one deadline
 * per action, and settles each action exactly once: the first decision wins.
 */
import { monotonicFactory } from "ulid";
import type { ApprovalChannel } from "../channels/approval-channel.js";
import {
  AlreadyDecidedError,
  ChannelDeliveryError,
  ErrorCode,
  SafeguardsError,
} from "../errors.js";
import { type ActionTrace, startActionTrace } from "../telemetry/action-trace.js";
import { type Clock, systemClock } from "../util/clock.js";
import { refuseSnakeCaseKeys } from "../util/config.js";
import { ActionStatus } from "./action-status.js";
import type { ApprovalDecision, ApprovalRequest } from "./approval-request.js";
import {
  type ActionCallback,
  assertSeconds,
  buildApprovalRequest,
  type RequestActionInput,
} from "./build-request.js";
import { assertDecisionFits } from "./check-decision.js";
import { DeadlineScheduler } from "./deadlines.js";
import { FinishedActions } from "./finished-actions.js";
import type {
  HandlerErrorContext,
  HumanActionHandlerOptions,
  WaitOptions,
} from "./handler-options.js";
import { HumanAction, settleHumanAction } from "./human-action.js";
import { expireLocally } from "./local-expiry.js";
import { runCallback } from "./run-callback.js";
import { addWaiter, type Waiter } from "./waiters.js";

export type { ActionCallback, RequestActionInput } from "./build-request.js";
export type {
  HandlerErrorContext,
  HumanActionHandlerOptions,
  WaitOptions,
} from "./handler-options.js";

interface Tracked {
  action: HumanAction;
  callbacks: ActionCallback[];
  waiters: Set<Waiter>;
  expiring: boolean;
  /** Its span and metrics (no-ops without OpenTelemetry). */
  trace: ActionTrace;
}

const DEFAULT_TIMEOUT_SECONDS = 300;

/**
 * Requests human decisions and waits for them (blocking with `waitForAction`, or
 * non-blocking with callbacks). Works with any {@link ApprovalChannel}.
 */
export class HumanActionHandler {
  readonly #channel: ApprovalChannel;
  readonly #clock: Clock;
  readonly #onError: (error: unknown, context: HandlerErrorContext) => void;
  readonly #graceMs: number;
  readonly #pending = new Map<string, Tracked>();
  readonly #finished: FinishedActions<HumanAction>;
  readonly #deadlines: DeadlineScheduler;
  readonly #unsubscribe: () => void;
  readonly #nextUlid = monotonicFactory();
  /** Set by the option or `setTimeout`; `undefined` defers to the channel, then 300. */
  #timeoutSeconds: number | undefined;

  /** Creates a handler that files requests through `channel`. */
  constructor(channel: ApprovalChannel, options: HumanActionHandlerOptions = {}) {
    refuseSnakeCaseKeys("HumanActionHandler", options);
    this.#channel = channel;
    this.#clock = options.clock ?? systemClock;
    if (options.timeoutSeconds !== undefined) this.setTimeout(options.timeoutSeconds);
    const grace = options.expiryGraceSeconds ?? 5;
    assertSeconds("expiryGraceSeconds", grace);
    this.#graceMs = grace * 1000;
    this.#onError =
      options.onError ??
      ((error, ctx) =>
        console.error(`[safeguards] ${ctx.phase} error for ${ctx.actionId}:`, error));
    this.#finished = new FinishedActions(options.maxFinishedActions ?? 10_000);
    this.#deadlines = new DeadlineScheduler(this.#clock, (id) => void this.#expire(id));
    this.#unsubscribe = channel.onDecision((id, decision) => this.#onDecision(id, decision));
  }

  /** Sets the default timeout (seconds) of actions requested from now on. */
  setTimeout(seconds: number): void {
    assertSeconds("timeoutSeconds", seconds);
    this.#timeoutSeconds = seconds;
  }

  /**
   * The default timeout in seconds, now: the handler's (option or `setTimeout`), else the
   * channel's `defaultTimeoutSeconds`, else 300.
   */
  get timeoutSeconds(): number {
    return this.#timeoutSeconds ?? this.#channel.defaultTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  }

  /** Number of actions still waiting for a decision. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Files a request for a human decision and returns the PENDING action.
   * Rejects with {@link ChannelDeliveryError} when the channel cannot file it: the action
   * is then never treated as approved.
   */
  async requestAction(input: RequestActionInput): Promise<HumanAction> {
    const request = this.#buildRequest(input);
    if (this.#pending.has(request.id) || this.#finished.get(request.id)) {
      throw new SafeguardsError(ErrorCode.CONFLICT, `Action id ${request.id} is already in use`);
    }
    const tracked = this.#track(request, input.callbacks ?? []);
    try {
      await tracked.trace.send(this.#channel, () => this.#channel.submitRequest(request));
    } catch (error) {
      if (!tracked.action.isFinal) {
        this.#untrack(request.id);
        tracked.trace.abandon(error);
      }
      throw error instanceof ChannelDeliveryError
        ? error
        : new ChannelDeliveryError(
            `Could not file approval request ${request.id}; it was not approved: ${(error as Error)?.message ?? error}`,
            { cause: error },
          );
    }
    return tracked.action;
  }

  /**
   * Waits for the action's final status without blocking the event loop.
   * With `timeoutSeconds`, a wait that runs out times the action out (as in the guide).
   */
  waitForAction(
    action: HumanAction | string,
    timeoutSeconds?: number,
    options: WaitOptions = {},
  ): Promise<ActionStatus> {
    const id = typeof action === "string" ? action : action.id;
    const finished = this.#finished.get(id);
    if (finished) return Promise.resolve(finished.status);
    const tracked = this.#pending.get(id);
    if (!tracked) {
      return Promise.reject(new SafeguardsError(ErrorCode.NOT_FOUND, `Unknown action ${id}`));
    }
    if (timeoutSeconds !== undefined) {
      assertSeconds("timeoutSeconds", timeoutSeconds);
      const at = Math.min(
        tracked.action.expiresAt.getTime(),
        this.#clock.now() + timeoutSeconds * 1000,
      );
      this.#deadlines.schedule(id, at);
    }
    return addWaiter(tracked.waiters, id, options.signal);
  }

  /** The action with this id, pending or (recently) finished. */
  getAction(id: string): HumanAction | undefined {
    return this.#pending.get(id)?.action ?? this.#finished.get(id);
  }

  /** Withdraws a pending action (CANCELLED). Throws {@link AlreadyDecidedError} when final. */
  async cancelAction(action: HumanAction | string): Promise<ActionStatus> {
    const id = typeof action === "string" ? action : action.id;
    const tracked = this.#pending.get(id);
    if (!tracked) {
      const done = this.#finished.get(id);
      if (done) throw new AlreadyDecidedError(id, done.status);
      throw new SafeguardsError(ErrorCode.NOT_FOUND, `Unknown action ${id}`);
    }
    const decision = await this.#channel.cancelRequest(id);
    this.#settle(
      id,
      decision ?? { status: ActionStatus.CANCELLED, decidedAt: new Date(this.#clock.now()) },
    );
    return tracked.action.status;
  }

  /**
   * Picks up an action filed earlier (for example by a process that has since restarted)
   * and tracks it until its decision arrives. Resolves to the action, final if already decided.
   */
  async resume(
    id: string,
    options: { callbacks?: readonly ActionCallback[] } = {},
  ): Promise<HumanAction> {
    const known = this.#pending.get(id);
    if (known) {
      known.callbacks.push(...(options.callbacks ?? []));
      return known.action;
    }
    const record = await this.#channel.getRecord(id);
    if (!record)
      throw new SafeguardsError(ErrorCode.NOT_FOUND, `The channel knows no action ${id}`);
    const tracked = this.#track(record.request, options.callbacks ?? []);
    if (record.decision) this.#settle(id, record.decision);
    return tracked.action;
  }

  /** Stops listening to the channel and ends every wait (code SAFEGUARDS_SHUT_DOWN). */
  shutdown(): void {
    this.#unsubscribe();
    this.#deadlines.clear();
    for (const tracked of this.#pending.values()) {
      const error = new SafeguardsError(
        ErrorCode.SHUT_DOWN,
        `The handler was shut down while waiting for action ${tracked.action.id}`,
      );
      for (const waiter of tracked.waiters) waiter.reject(error);
      tracked.trace.abandon(error);
    }
    this.#pending.clear();
  }

  #buildRequest(input: RequestActionInput): ApprovalRequest {
    const now = this.#clock.now();
    // request > handler (option / setTimeout) > channel's default > 300
    return buildApprovalRequest(input, {
      now,
      defaultTimeoutSeconds: this.timeoutSeconds,
      newId: () => `act_${this.#nextUlid(now)}`,
    });
  }

  #track(request: ApprovalRequest, callbacks: readonly ActionCallback[]): Tracked {
    const action = new HumanAction(request);
    const tracked: Tracked = {
      action,
      callbacks: [...callbacks],
      waiters: new Set(),
      expiring: false,
      trace: startActionTrace(request, this.#clock),
    };
    this.#pending.set(action.id, tracked);
    this.#deadlines.schedule(action.id, action.expiresAt.getTime());
    return tracked;
  }

  #untrack(id: string): void {
    this.#pending.delete(id);
    this.#deadlines.cancel(id);
  }

  #onDecision(id: string, decision: ApprovalDecision): void {
    const tracked = this.#pending.get(id);
    if (!tracked) return; // another handler's action, or already final: first decision won
    try {
      assertDecisionFits(tracked.action, decision);
    } catch (error) {
      this.#onError(error, { actionId: id, phase: "decision" });
      tracked.trace.error(error);
      return; // stays pending: an invalid decision never settles an action
    }
    this.#settle(id, decision);
  }

  async #expire(id: string): Promise<void> {
    const tracked = this.#pending.get(id);
    if (!tracked || tracked.expiring) return;
    tracked.expiring = true;
    await expireLocally(
      {
        channel: this.#channel,
        clock: this.#clock,
        graceMs: this.#graceMs,
        onError: this.#onError,
        settle: (decision) => this.#settle(id, decision),
      },
      tracked,
    );
  }

  /** Settles a tracked action; `false` when it was not tracked or already settled. */
  #settle(id: string, decision: ApprovalDecision): boolean {
    const tracked = this.#pending.get(id);
    if (!tracked || !settleHumanAction(tracked.action, decision)) return false;
    this.#untrack(id);
    this.#finished.add(id, tracked.action);
    const status = tracked.action.status;
    tracked.trace.end(tracked.action);
    for (const waiter of tracked.waiters) waiter.resolve(status);
    const report = (error: unknown) => this.#onError(error, { actionId: id, phase: "callback" });
    for (const callback of tracked.callbacks) runCallback(callback, tracked.action, report);
    return true;
  }
}
