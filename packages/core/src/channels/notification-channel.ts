/**
 * @module notification-channel
 * The contract every notification channel implements, as in the guide.
 */
import type { SafetyAlert } from "../alerts/safety-alert.js";

/**
 * A way to tell humans about an alert (logs, email, Slack, a webhook, ...).
 *
 * `sendNotification` returns whether the alert was delivered; it should not throw
 * (the {@link NotificationManager} reports a throw as "not delivered" anyway).
 */
export interface NotificationChannel {
  /** Validates and stores the configuration; throws {@link InvalidConfigError} naming a bad key. */
  initialize(config: Record<string, unknown>): void | Promise<void>;
  /** Delivers one alert; `false` when not initialised, shut down, or the transport failed. */
  sendNotification(alert: SafetyAlert): boolean | Promise<boolean>;
  /** Releases resources; later sends return `false`. */
  shutdown(): void | Promise<void>;
}
