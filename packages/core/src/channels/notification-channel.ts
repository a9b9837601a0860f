/**
 * @module notification-channel
 * The contract every notification channel implements, as in the guide.
 */
import type { SafetyAlert } from "../alerts/safety-alert.js";

/**
 * A way to tell humans about an alert (logs, email, Slack, a webhook, ...).
 *
 * `Config` is the type of the object `initialize` takes. Each built-in channel names its
 * own (`EmailChannel implements NotificationChannel<EmailChannelConfig>`), so a misspelled
 * key is a compile error; the channels still validate at run time for JavaScript callers.
 * Without a type argument, `NotificationChannel` means "a channel of any config type":
 * what {@link NotificationManager.registerChannel} accepts. `initialize` cannot be called
 * through that type; call it on the channel itself.
 *
 * `sendNotification` returns whether the alert was delivered; it should not throw
 * (the {@link NotificationManager} reports a throw as "not delivered" anyway).
 */
export interface NotificationChannel<Config = never> {
  /** Validates and stores the configuration; throws {@link InvalidConfigError} naming a bad key. */
  initialize(config: Config): void | Promise<void>;
  /** Delivers one alert; `false` when not initialised, shut down, or the transport failed. */
  sendNotification(alert: SafetyAlert): boolean | Promise<boolean>;
  /** Releases resources; later sends return `false`. */
  shutdown(): void | Promise<void>;
}
