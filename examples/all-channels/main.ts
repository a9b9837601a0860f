/**
 * One alert through every notification channel, each configured as in the guide
 * (camelCase keys), delivered to local servers this program starts itself. Prints what
 * each server received; exits non-zero if any channel failed.
 */
import {
  createAlert,
  EmailChannel,
  LoggingChannel,
  NotificationManager,
  SlackChannel,
  WebhookChannel,
} from "@safeguards/core";
import { startLocalServers } from "./local-servers.js";

const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const servers = await startLocalServers(WEBHOOK_SECRET);
const manager = new NotificationManager();

const logLines: string[] = [];
const log = (line: string) => logLines.push(line);
const logging = new LoggingChannel({ logger: { debug: log, info: log, warn: log, error: log } });
logging.initialize({ logLevel: "INFO" });
manager.registerChannel("logging", logging);

const email = new EmailChannel();
email.initialize({
  smtpServer: "127.0.0.1",
  smtpPort: servers.mailbox.port,
  username: "alerts",
  password: "local-password",
  sender: "safeguards@yourcompany.example",
  recipients: ["admin@yourcompany.example", "security@yourcompany.example"],
  useTls: false, // the local server has no TLS; use true (the default) in production
});
manager.registerChannel("email", email);

const slack = new SlackChannel();
slack.initialize({
  webhookUrl: servers.slack.webhookUrl,
  channel: "#agent-alerts",
  username: "SafeguardsBot",
  iconEmoji: ":robot_face:",
});
manager.registerChannel("slack", slack);

const slackBot = new SlackChannel();
slackBot.initialize({
  botToken: servers.slack.botToken,
  channel: "#agent-alerts",
  apiUrl: servers.slack.apiUrl, // default https://slack.com/api
});
manager.registerChannel("slack_bot", slackBot);

const webhook = new WebhookChannel();
webhook.initialize({
  webhookUrl: servers.receiver.webhookUrl,
  signingSecret: WEBHOOK_SECRET,
  timeoutSeconds: 5,
  maxRetries: 2,
});
manager.registerChannel("webhook", webhook);

const alert = createAlert({
  title: "Transfer of $5,000.00 needs approval",
  description: "payments-agent wants to pay ACME Corp <invoice 42> & close the ticket.",
  severity: "CRITICAL",
  agentId: "payments-agent",
  metadata: {
    action_id: "act_01",
    amount: "5000.00",
    review_url: "http://127.0.0.1:8787/a/act_01",
  },
});

let failed = false;
try {
  const report = await manager.notify(alert);
  for (const [name, result] of Object.entries(report)) {
    console.log(
      `${name.padEnd(10)} ${result.delivered ? "delivered" : `FAILED (${result.reason})`}`,
    );
    if (!result.delivered) failed = true;
  }
  const mail = servers.mailbox.mails[0];
  const slackMessages = servers.slack.messages;
  const delivery = servers.receiver.deliveries[0];
  console.log("\nlog line:  ", logLines[0]);
  console.log("email:     ", mail ? `${mail.parsed.subject} -> ${mail.to.join(", ")}` : "nothing");
  for (const m of slackMessages) {
    console.log(
      `slack ${m.mode}:`.padEnd(12),
      `${m.payload.text} (${(m.payload.blocks as unknown[]).length} blocks)`,
    );
  }
  console.log(
    "webhook:   ",
    delivery
      ? `${delivery.payload.type} ${delivery.payload.data.id} (signature verified)`
      : "nothing",
  );
  if (!logLines[0] || !mail || slackMessages.length !== 2 || !delivery) failed = true;
  for (const channel of [email, slack, slackBot, webhook]) {
    if (channel.lastError)
      console.error(`${channel.constructor.name}: ${channel.lastError.message}`);
  }
} finally {
  await manager.shutdown();
  await servers.close();
}
if (failed) {
  console.error("\nAt least one channel failed.");
  process.exit(1);
}
console.log("\nEvery channel delivered the alert.");
