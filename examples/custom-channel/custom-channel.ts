/**
 * @module custom-channel
 * The guide's "Creating a Custom Notification Channel", in TypeScript.
 */
import type { NotificationChannel, SafetyAlert } from "@safeguards/core";

/**
 * What `initialize` takes. Naming the keys (rather than `Record<string, unknown>`) makes a
 * misspelled key a compile error for the channel's users.
 */
export interface CustomChannelConfig {
  /** Where notifications go (this example always prints to stdout). */
  destination?: string;
}

/** Custom notification channel example. */
export class CustomChannel implements NotificationChannel<CustomChannelConfig> {
  private config: CustomChannelConfig = {};
  private initialized = false;

  /** Initialize the channel with configuration. */
  initialize(config: CustomChannelConfig): void {
    this.config = config;
    // Set up your channel
    this.initialized = true;
  }

  /** Send a notification through this channel. */
  sendNotification(alert: SafetyAlert): boolean {
    if (!this.initialized) {
      return false;
    }

    try {
      // Implement your notification logic here
      console.log(`Custom notification: ${alert.title} - ${alert.description}`);
      return true;
    } catch (e) {
      console.log(`Error sending notification: ${e}`);
      return false;
    }
  }

  /** Clean up resources when shutting down. */
  shutdown(): void {
    // Clean up any resources
    this.initialized = false;
  }

  /** The configuration given to `initialize` (for inspection). */
  getConfig(): CustomChannelConfig {
    return this.config;
  }
}
