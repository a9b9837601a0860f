/**
 * @module main
 * Registers the guide's CustomChannel and a LoggingChannel on a NotificationManager,
 * sends one alert through both, and prints what each channel did.
 * Run: `pnpm start` (or `pnpm run ci`); exits non-zero unless both channels delivered.
 */
import { pathToFileURL } from "node:url";
import {
  AlertSeverity,
  createAlert,
  LoggingChannel,
  NotificationManager,
  type NotifyReport,
} from "@safeguards/core";
import { CustomChannel } from "./custom-channel.js";

/** What {@link main} did: the report of the alert sent while the channels were up, and after shutdown. */
export interface ExampleResult {
  report: NotifyReport;
  afterShutdown: boolean;
}

/** Runs the example; prints to the console and returns the delivery report. */
export async function main(): Promise<ExampleResult> {
  const notificationManager = new NotificationManager();

  const customChannel = new CustomChannel();
  customChannel.initialize({ destination: "stdout" });
  notificationManager.registerChannel("custom", customChannel);

  const loggingChannel = new LoggingChannel();
  loggingChannel.initialize({ logLevel: "INFO" });
  notificationManager.registerChannel("logging", loggingChannel);

  const alert = createAlert({
    title: "Transaction Limit Exceeded",
    description: "Agent financial_advisor requested a transaction of 2500.00 (limit 1000.00)",
    severity: AlertSeverity.WARNING,
    agentId: "financial_advisor",
    metadata: { amount: "2500.00", limit: "1000.00" },
  });

  const report = await notificationManager.notify(alert);
  for (const [name, result] of Object.entries(report)) {
    console.log(
      `channel ${name}: ${result.delivered ? "delivered" : `not delivered (${result.reason})`}`,
    );
  }

  await notificationManager.shutdown();
  // After shutdown, the custom channel refuses to send, as the guide's does.
  const afterShutdown = customChannel.sendNotification(alert);
  console.log(`custom channel after shutdown: ${afterShutdown ? "sent" : "refused"}`);
  return { report, afterShutdown };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { report, afterShutdown } = await main();
  const allDelivered = Object.values(report).every((r) => r.delivered);
  if (!allDelivered || afterShutdown) {
    console.error("custom-channel example: unexpected result");
    process.exitCode = 1;
  }
}
