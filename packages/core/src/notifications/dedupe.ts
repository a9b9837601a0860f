/**
 * @module dedupe
 * Storm control: identical alerts within a window are sent to a channel once; the next
 * one delivered after the window says how many were suppressed.
 */
import type { SafetyAlert } from "../alerts/safety-alert.js";
import type { Clock } from "../util/clock.js";

/** Computes the identity of an alert for de-duplication. */
export type DedupeKeyFunction = (alert: SafetyAlert) => string;

/**
 * The default key: same title, description, severity and agent id means "identical".
 * Two different over-limit payments (different descriptions) are never merged.
 */
export const defaultDedupeKey: DedupeKeyFunction = (alert) =>
  JSON.stringify([alert.title, alert.description, alert.severity, alert.agentId ?? null]);

interface KeyState {
  /** When the current window opened (a send of this key started); undefined = closed. */
  windowStart: number | undefined;
  /** Alerts suppressed and not yet announced. */
  suppressed: number;
  firstSuppressedAt: number | undefined;
  lastSuppressedAt: number | undefined;
}

/** What {@link AlertDeduplicator.begin} decided for one channel. */
export type DedupeDecision =
  | { suppressed: true }
  | {
      suppressed: false;
      /** The alert to send: the original, or a copy announcing earlier suppressions. */
      alert: SafetyAlert;
      /** Call with whether the send delivered; a failed send re-opens the key. */
      finish(delivered: boolean): void;
    };

/** Prune closed, empty entries once the map grows past this many keys. */
const PRUNE_THRESHOLD = 1024;

/**
 * Tracks, per channel and key, the window opened by the last send.
 *
 * A send opens a window of `windowMs`; identical alerts in it are suppressed for that
 * channel. The next alert sent after the window carries `metadata.suppressed_count`,
 * `suppressed_first_at`, `suppressed_last_at` and `suppressed_note`. A send that does not
 * deliver closes the window again (so the next identical alert is tried) and keeps the
 * count for the next delivered one.
 */
export class AlertDeduplicator {
  readonly #windowMs: number;
  readonly #key: DedupeKeyFunction;
  readonly #clock: Clock;
  readonly #states = new Map<string, KeyState>();

  constructor(options: { windowMs: number; key: DedupeKeyFunction; clock: Clock }) {
    this.#windowMs = options.windowMs;
    this.#key = options.key;
    this.#clock = options.clock;
  }

  /** Decides whether `alert` is sent to `channel` now. */
  begin(channel: string, alert: SafetyAlert): DedupeDecision {
    if (this.#windowMs <= 0) return { suppressed: false, alert, finish: () => {} };
    const now = this.#clock.now();
    const id = JSON.stringify([channel, this.#key(alert)]);
    let state = this.#states.get(id);
    if (state === undefined) {
      this.#prune(now);
      state = {
        windowStart: undefined,
        suppressed: 0,
        firstSuppressedAt: undefined,
        lastSuppressedAt: undefined,
      };
      this.#states.set(id, state);
    }
    if (state.windowStart !== undefined && now - state.windowStart < this.#windowMs) {
      state.suppressed += 1;
      state.firstSuppressedAt ??= now;
      state.lastSuppressedAt = now;
      return { suppressed: true };
    }
    const carried = {
      count: state.suppressed,
      first: state.firstSuppressedAt,
      last: state.lastSuppressedAt,
    };
    state.windowStart = now;
    state.suppressed = 0;
    state.firstSuppressedAt = undefined;
    state.lastSuppressedAt = undefined;
    const s = state;
    const opened = now;
    const announced = carried.count > 0 ? announce(alert, carried) : alert;
    const finish = (delivered: boolean): void => {
      if (delivered) return;
      // Not delivered: the next identical alert is tried again, and still announces these.
      if (s.windowStart === opened) s.windowStart = undefined;
      if (carried.count === 0) return;
      s.suppressed += carried.count;
      s.firstSuppressedAt = Math.min(s.firstSuppressedAt ?? opened, carried.first ?? opened);
      s.lastSuppressedAt = Math.max(s.lastSuppressedAt ?? opened, carried.last ?? opened);
    };
    return { suppressed: false, alert: announced, finish };
  }

  /** Forgets everything about `channel` (when it is unregistered). */
  forgetChannel(channel: string): void {
    for (const id of this.#states.keys()) {
      if ((JSON.parse(id) as unknown[])[0] === channel) this.#states.delete(id);
    }
  }

  #prune(now: number): void {
    if (this.#states.size < PRUNE_THRESHOLD) return;
    for (const [id, state] of this.#states) {
      const open = state.windowStart !== undefined && now - state.windowStart < this.#windowMs;
      if (!open && state.suppressed === 0) this.#states.delete(id);
    }
  }
}

function announce(
  alert: SafetyAlert,
  carried: { count: number; first: number | undefined; last: number | undefined },
): SafetyAlert {
  const { count } = carried;
  const firstAt = new Date(carried.first ?? 0).toISOString();
  const lastAt = new Date(carried.last ?? carried.first ?? 0).toISOString();
  const what = count === 1 ? "1 identical alert was" : `${count} identical alerts were`;
  return {
    ...alert,
    metadata: {
      ...alert.metadata,
      suppressed_count: count,
      suppressed_first_at: firstAt,
      suppressed_last_at: lastAt,
      suppressed_note: `${what} suppressed between ${firstAt} and ${lastAt}`,
    },
  };
}
