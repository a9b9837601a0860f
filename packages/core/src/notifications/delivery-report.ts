/**
 * @module delivery-report
 * What {@link NotificationManager} reports per channel after a send or a shutdown.
 */

/** Why a channel did not deliver an alert. */
export const DeliveryFailure = {
  /** `sendNotification` returned something other than `true`. */
  RETURNED_FALSE: "returned_false",
  /** `sendNotification` threw or rejected (see `error`). */
  THREW: "threw",
  /** `sendNotification` did not settle within `channelTimeoutMs`. */
  TIMED_OUT: "timed_out",
  /** An identical alert went to this channel within `dedupeWindowMs`. */
  SUPPRESSED: "suppressed",
  /** The name was requested (option or route) but no channel is registered under it. */
  UNKNOWN_CHANNEL: "unknown_channel",
  /** The channel is registered but neither the routes nor the `channels` option chose it. */
  NOT_ROUTED: "not_routed",
} as const;

/** One of the {@link DeliveryFailure} values. */
export type DeliveryFailure = (typeof DeliveryFailure)[keyof typeof DeliveryFailure];

/** What happened to an alert on one channel. */
export type DeliveryResult =
  | { delivered: true }
  | { delivered: false; reason: DeliveryFailure; error?: unknown };

/** Per channel name, what happened to the alert. Every registered channel is listed. */
export type NotifyReport = Record<string, DeliveryResult>;

/** Per channel name, how its shutdown went. */
export type ShutdownReport = Record<
  string,
  { ok: true } | { ok: false; reason: "threw" | "timed_out"; error: unknown }
>;
