/**
 * @module human-action-handler
 * Files requests for human decisions through an approval channel, enforces one deadline
 * per action, and settles each action exactly once: the first decision wins.
 */
import { monotonicFactory } from "ulid";
import { AlertSeverity } from "../alerts/safety-alert.js";
import type {
  ActionCall,
  ApprovalChannel,
  ApprovalDecision,
  ApprovalRequest,
} from "../channels/approval-channel.js";
import {
  AlreadyDecidedError,
  ChannelDeliveryError,
  ErrorCode,
  SafeguardsError,
} from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { hashArgs, type JsonObject } from "../util/json.js";
import { ActionStatus, ALL_DECISIONS, type DecisionType } from "./action-status.js";
import { DeadlineScheduler } from "./deadlines.js";
import { FinishedActions } from "./finished-actions.js";
import { HumanAction } from "./human-action.js";
import { assertValidModification } from "./modification.js";

/** Called once with the final {@link HumanAction}; may be async. */
export type ActionCallback = (action: HumanAction) => void | Promise<void>;

/** Where an error reported to {@link HumanActionHandlerOptions.onError} happened. */
export interface HandlerErrorContext {
  actionId: string;
  phase: "callback" | "decision" | "expire";
}

/** Options of {@link HumanActionHandler}. */
export interface HumanActionHandlerOptions {
  /**
   * Default timeout of every action, in seconds.
   * @default the channel's `defaultTimeoutSeconds` (read at each request), else 300
   */
  timeoutSeconds?: number;
  /** Source of time and timers; inject a manual clock in tests. @default systemClock */
  clock?: Clock;
  /** How long to wait for the channel to confirm an expiry before timing out locally. @default 5 */
  expiryGraceSeconds?: number;
  /** Receives errors from callbacks, invalid decisions and expiry. @default console.error */
  onError?: (error: unknown, context: HandlerErrorContext) => void;
  /** How many finished actions `getAction` remembers. @default 10000 */
  maxFinishedActions?: number;
}

/** Input of {@link HumanActionHandler.requestAction}. */
export interface RequestActionInput {
  title: string;
  description: string;
  agentId: string;
  metadata?: JsonObject;
  /** The tool call to approve; its arguments are hashed so only they (or a modification) run. */
  action?: ActionCall;
  /** @default ["approve", "modify", "reject"] */
  allowedDecisions?: readonly DecisionType[];
  /** Overrides the handler's timeout for this action. */
  timeoutSeconds?: number;
  /** Called once each with the final action. */
  callbacks?: readonly ActionCallback[];
  /** @default "WARNING" */
  severity?: AlertSeverity;
  /** Client-made id (idempotency key). @default `act_<ULID>` */
  id?: string;
}

/** Options of {@link HumanActionHandler.waitForAction}. */
export interface WaitOptions {
  /** Aborting ends the wait (rejects with code SAFEGUARDS_ABORTED) without deciding the action. */
  signal?: AbortSignal;
}

interface Tracked {
  action: HumanAction;
  callbacks: ActionCallback[];
  waiters: Set<Waiter>;
  expiring: boolean;
}

interface Waiter {
  resolve(status: ActionStatus): void;
  reject(error: unknown): void;
}

const DEFAULT_TIMEOUT_SECONDS = 300;

function invalid(message: string): SafeguardsError {
  return new SafeguardsError(ErrorCode.INVALID_ARGUMENT, message);
}

function assertSeconds(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${name} must be a positive number of seconds (got ${String(value)})`);
  }
}

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
    const tracked = this.#track(new HumanAction(request), input.callbacks ?? []);
    try {
      await this.#channel.submitRequest(request);
    } catch (error) {
      if (!tracked.action.isFinal) this.#untrack(request.id);
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
    const { signal } = options;
    return new Promise<ActionStatus>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(id, signal));
        return;
      }
      const onAbort = () => {
        tracked.waiters.delete(waiter);
        reject(abortError(id, signal!));
      };
      const waiter: Waiter = {
        resolve(status) {
          signal?.removeEventListener("abort", onAbort);
          resolve(status);
        },
        reject(error) {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      tracked.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
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
    const tracked = this.#track(new HumanAction(record.request), options.callbacks ?? []);
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
    }
    this.#pending.clear();
  }

  #buildRequest(input: RequestActionInput): ApprovalRequest {
    if (!input || typeof input !== "object") throw invalid("requestAction needs an input object");
    for (const key of ["title", "description", "agentId"] as const) {
      if (typeof input[key] !== "string" || (key !== "description" && input[key].length === 0)) {
        throw invalid(`requestAction: "${key}" must be a non-empty string`);
      }
    }
    // request > handler (option / setTimeout) > channel's default > 300
    const timeout = input.timeoutSeconds ?? this.timeoutSeconds;
    assertSeconds("timeoutSeconds", timeout);
    const allowed = [...(input.allowedDecisions ?? ALL_DECISIONS)];
    if (allowed.length === 0 || allowed.some((d) => !ALL_DECISIONS.includes(d))) {
      throw invalid(`allowedDecisions must be a non-empty subset of ${ALL_DECISIONS.join(", ")}`);
    }
    const severity = input.severity ?? AlertSeverity.WARNING;
    if (!Object.values(AlertSeverity).includes(severity))
      throw invalid(`Unknown severity ${severity}`);
    const now = this.#clock.now();
    const request: ApprovalRequest = {
      id: input.id ?? `act_${this.#nextUlid(now)}`,
      title: input.title,
      description: input.description,
      severity,
      agentId: input.agentId,
      metadata: { ...(input.metadata ?? {}) },
      allowedDecisions: [...new Set(allowed)],
      createdAt: new Date(now),
      expiresAt: new Date(now + timeout * 1000),
    };
    if (input.action) {
      const { name, args, argsSchema } = input.action;
      if (typeof name !== "string" || name.length === 0)
        throw invalid("action.name must be a non-empty string");
      if (!args || typeof args !== "object" || Array.isArray(args))
        throw invalid("action.args must be an object");
      request.action = { name, args: structuredClone(args) };
      if (argsSchema) request.action.argsSchema = argsSchema;
      request.argsHash = hashArgs(request.action.args);
    }
    return request;
  }

  #track(action: HumanAction, callbacks: readonly ActionCallback[]): Tracked {
    const tracked: Tracked = {
      action,
      callbacks: [...callbacks],
      waiters: new Set(),
      expiring: false,
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
      this.#checkDecision(tracked.action, decision);
    } catch (error) {
      this.#onError(error, { actionId: id, phase: "decision" });
      return; // stays pending: an invalid decision never settles an action
    }
    this.#settle(id, decision);
  }

  #checkDecision(action: HumanAction, decision: ApprovalDecision): void {
    const needs: Partial<Record<ActionStatus, DecisionType>> = {
      approved: "approve",
      modified: "modify",
      rejected: "reject",
    };
    const type = needs[decision.status];
    if (type && !action.allowedDecisions.includes(type)) {
      throw new SafeguardsError(
        ErrorCode.DECISION_NOT_ALLOWED,
        `Decision "${type}" is not allowed for action ${action.id}`,
      );
    }
    if (decision.status === ActionStatus.MODIFIED) {
      assertValidModification(action, decision.responseData);
    }
  }

  async #expire(id: string): Promise<void> {
    const tracked = this.#pending.get(id);
    if (!tracked || tracked.expiring) return;
    tracked.expiring = true;
    let earlier: ApprovalDecision | undefined;
    try {
      earlier = await this.#withGrace(this.#channel.expireRequest(id));
    } catch (error) {
      this.#onError(error, { actionId: id, phase: "expire" });
    }
    if (earlier && earlier.status !== ActionStatus.TIMED_OUT) {
      try {
        this.#checkDecision(tracked.action, earlier);
      } catch (error) {
        this.#onError(error, { actionId: id, phase: "decision" });
        earlier = undefined;
      }
    }
    this.#settle(
      id,
      earlier ?? { status: ActionStatus.TIMED_OUT, decidedAt: new Date(this.#clock.now()) },
    );
  }

  #withGrace<T>(promise: Promise<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => resolve(undefined), this.#graceMs);
      promise.then(
        (value) => {
          this.#clock.clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          this.#clock.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #settle(id: string, decision: ApprovalDecision): void {
    const tracked = this.#pending.get(id);
    if (!tracked || !tracked.action.settle(decision)) return;
    this.#untrack(id);
    this.#finished.add(id, tracked.action);
    const status = tracked.action.status;
    for (const waiter of tracked.waiters) waiter.resolve(status);
    for (const callback of tracked.callbacks) this.#runCallback(callback, tracked.action);
  }

  #runCallback(callback: ActionCallback, action: HumanAction): void {
    const report = (error: unknown) =>
      this.#onError(error, { actionId: action.id, phase: "callback" });
    queueMicrotask(() => {
      try {
        const result = callback(action);
        if (result && typeof (result as Promise<void>).then === "function") {
          (result as Promise<void>).then(undefined, report);
        }
      } catch (error) {
        report(error);
      }
    });
  }
}

function abortError(id: string, signal: AbortSignal): SafeguardsError {
  return new SafeguardsError(
    ErrorCode.ABORTED,
    `Wait for action ${id} was aborted; the action is still pending`,
    {
      cause: signal.reason,
    },
  );
}
