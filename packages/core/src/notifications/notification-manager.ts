/**
 * @module notification-manager
 * Sends an alert to every registered channel (or the routed / named ones) concurrently,
 * bounds each send with a timeout and reports per channel what happened.
 */
import type { SafetyAlert } from "../alerts/safety-alert.js";
import type { NotificationChannel } from "../channels/notification-channel.js";
import { ErrorCode, InvalidConfigError, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { refuseSnakeCaseKeys } from "../util/config.js";
import { settleWithin } from "../util/settle-within.js";
import { AlertDeduplicator, type DedupeKeyFunction, defaultDedupeKey } from "./dedupe.js";
import type { DeliveryResult, NotifyReport, ShutdownReport } from "./delivery-report.js";
import { type Routing, resolveRoute } from "./routing.js";
import { validateRouting } from "./validate-routing.js";

/** Options of {@link NotificationManager.notify}. */
export interface NotifyOptions {
  /** Send only to these channel names; overrides the routes. */
  channels?: readonly string[];
}

/** Options of {@link NotificationManager}. */
export interface NotificationManagerOptions {
  /**
   * Upper bound for one channel's `sendNotification` (and `shutdown`); a channel that
   * takes longer is reported as `timed_out` and the others are not held up.
   * @default 10_000
   */
  channelTimeoutMs?: number;
  /**
   * Routing by severity, as rules (`[{ minSeverity: "CRITICAL", channels: ["slack"] }]`)
   * or a function. Precedence: `notify(alert, { channels })` > routes > all channels.
   * @default every registered channel
   */
  routes?: Routing;
  /**
   * Channels for an alert no route matches (or for which the route function returns
   * `undefined`).
   * @default every registered channel (an unrouted alert is never silently dropped)
   */
  defaultChannels?: readonly string[];
  /**
   * Identical alerts sent to one channel within this window are suppressed there; `0`
   * turns de-duplication off.
   * @default 60_000
   */
  dedupeWindowMs?: number;
  /**
   * What makes two alerts identical.
   * @default same title, description, severity and agentId
   */
  dedupeKey?: DedupeKeyFunction;
  /** Time source for timeouts and dedupe windows. @default systemClock */
  clock?: Clock;
}

/** Registers notification channels by name and fans alerts out to them. */
export class NotificationManager {
  readonly #channels = new Map<string, NotificationChannel>();
  readonly #timeoutMs: number;
  readonly #routes: Routing | undefined;
  readonly #defaultChannels: readonly string[] | undefined;
  readonly #clock: Clock;
  readonly #dedupe: AlertDeduplicator;

  constructor(options: NotificationManagerOptions = {}) {
    refuseSnakeCaseKeys("NotificationManager", options);
    this.#timeoutMs = positiveMs(options.channelTimeoutMs, 10_000, "channelTimeoutMs");
    const windowMs = options.dedupeWindowMs ?? 60_000;
    if (!Number.isFinite(windowMs) || windowMs < 0) {
      throw new InvalidConfigError(
        `NotificationManager: "dedupeWindowMs" must be a number >= 0 (0 turns it off)`,
      );
    }
    if (options.routes !== undefined) validateRouting(options.routes);
    this.#routes = options.routes;
    this.#defaultChannels = options.defaultChannels;
    this.#clock = options.clock ?? systemClock;
    this.#dedupe = new AlertDeduplicator({
      windowMs,
      key: options.dedupeKey ?? defaultDedupeKey,
      clock: this.#clock,
    });
  }

  /** Adds `channel` under `name`; throws `DUPLICATE_CHANNEL` if the name is taken. */
  registerChannel(name: string, channel: NotificationChannel): void {
    if (typeof name !== "string" || name === "") {
      throw new SafeguardsError(
        ErrorCode.INVALID_ARGUMENT,
        "Channel name must be a non-empty string",
      );
    }
    if (this.#channels.has(name)) {
      throw new SafeguardsError(
        ErrorCode.DUPLICATE_CHANNEL,
        `A channel named "${name}" is already registered; unregister it first or pick another name`,
        { details: { name } },
      );
    }
    this.#channels.set(name, channel);
  }

  /**
   * Removes the channel and awaits its `shutdown()`, bounded by `channelTimeoutMs`.
   * The channel is removed even when its shutdown throws (rethrown) or hangs (a
   * `SAFEGUARDS_TIMEOUT` error). Returns false when no channel has that name.
   */
  async unregisterChannel(name: string): Promise<boolean> {
    const channel = this.#channels.get(name);
    if (channel === undefined) return false;
    this.#channels.delete(name);
    this.#dedupe.forgetChannel(name);
    const outcome = await settleWithin(() => channel.shutdown(), this.#timeoutMs, this.#clock);
    if (outcome.kind === "error") throw outcome.error;
    if (outcome.kind === "timeout") throw timeoutError(name, this.#timeoutMs);
    return true;
  }

  /** The channel registered under `name`, if any (call `initialize` on your own reference). */
  getChannel(name: string): NotificationChannel | undefined {
    return this.#channels.get(name);
  }

  /** Names of the registered channels, in registration order. */
  listChannels(): string[] {
    return [...this.#channels.keys()];
  }

  /**
   * Sends `alert` to the selected channels concurrently and reports per channel.
   * Selection: `options.channels` if given, else the routes, else every channel.
   * Never throws because of a channel.
   */
  async notify(alert: SafetyAlert, options: NotifyOptions = {}): Promise<NotifyReport> {
    const targets = this.#select(alert, options);
    const report: NotifyReport = {};
    for (const name of this.#channels.keys()) {
      if (!targets.has(name)) report[name] = { delivered: false, reason: "not_routed" };
    }
    const sends: Promise<void>[] = [];
    for (const name of targets) {
      const channel = this.#channels.get(name);
      if (channel === undefined) {
        report[name] = { delivered: false, reason: "unknown_channel" };
        continue;
      }
      sends.push(
        this.#sendOne(name, channel, alert).then((result) => {
          report[name] = result;
        }),
      );
    }
    await Promise.all(sends);
    return report;
  }

  /**
   * Shuts every channel down concurrently (each bounded by `channelTimeoutMs`),
   * unregisters them all and reports per channel; never throws.
   */
  async shutdown(): Promise<ShutdownReport> {
    const channels = [...this.#channels];
    this.#channels.clear();
    const report: ShutdownReport = {};
    await Promise.all(
      channels.map(async ([name, channel]) => {
        this.#dedupe.forgetChannel(name);
        const outcome = await settleWithin(() => channel.shutdown(), this.#timeoutMs, this.#clock);
        report[name] =
          outcome.kind === "value"
            ? { ok: true }
            : outcome.kind === "error"
              ? { ok: false, reason: "threw", error: outcome.error }
              : { ok: false, reason: "timed_out", error: timeoutError(name, this.#timeoutMs) };
      }),
    );
    return report;
  }

  #select(alert: SafetyAlert, options: NotifyOptions): Set<string> {
    if (options.channels !== undefined) return new Set(options.channels);
    const routed = this.#routes === undefined ? undefined : resolveRoute(this.#routes, alert);
    return new Set(routed ?? this.#defaultChannels ?? this.#channels.keys());
  }

  async #sendOne(
    name: string,
    channel: NotificationChannel,
    alert: SafetyAlert,
  ): Promise<DeliveryResult> {
    let decision: ReturnType<AlertDeduplicator["begin"]>;
    try {
      decision = this.#dedupe.begin(name, alert);
    } catch {
      // A throwing dedupeKey must not lose the alert: send it undeduplicated.
      decision = { suppressed: false, alert, finish: () => {} };
    }
    if (decision.suppressed) return { delivered: false, reason: "suppressed" };
    const toSend = decision.alert;
    const outcome = await settleWithin(
      () => channel.sendNotification(toSend),
      this.#timeoutMs,
      this.#clock,
    );
    const result: DeliveryResult =
      outcome.kind === "value"
        ? outcome.value === true
          ? { delivered: true }
          : { delivered: false, reason: "returned_false" }
        : outcome.kind === "error"
          ? { delivered: false, reason: "threw", error: outcome.error }
          : {
              delivered: false,
              reason: "timed_out",
              error: timeoutError(name, this.#timeoutMs),
            };
    decision.finish(result.delivered);
    return result;
  }
}

function timeoutError(name: string, ms: number): SafeguardsError {
  return new SafeguardsError(
    ErrorCode.TIMEOUT,
    `Channel "${name}" did not answer within ${ms} ms`,
    {
      details: { channel: name, timeoutMs: ms },
    },
  );
}

function positiveMs(value: number | undefined, fallback: number, key: string): number {
  const ms = value ?? fallback;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new InvalidConfigError(
      `NotificationManager: "${key}" must be a positive number of milliseconds`,
    );
  }
  return ms;
}
