/**
 * @module test/channel-config-types
 * What TypeScript users write: each channel's `initialize(config)` takes its exported config
 * type, so a misspelled, snake_case or mistyped key does not compile (`pnpm typecheck` checks
 * every `@ts-expect-error` below: an unneeded one fails it). Each refused line also runs, to
 * show that JavaScript callers meet the same refusal at run time.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ApprovalChannel,
  EmailChannel,
  type EmailChannelConfig,
  HumanActionHandler,
  HumanInTheLoopChannel,
  InProcessApprovalChannel,
  InvalidConfigError,
  LoggingChannel,
  type LoggingChannelConfig,
  type NotificationChannel,
  NotificationManager,
  type SafetyAlert,
  SlackChannel,
  type SlackChannelConfig,
  TerminalApprovalChannel,
  WebhookChannel,
  type WebhookChannelConfig,
} from "../src/index.js";
import type { ChannelConformanceOptions } from "../src/testing/index.js";

const email: EmailChannelConfig = {
  smtpServer: "127.0.0.1",
  smtpPort: 587,
  sender: "safeguards@example.com",
  recipients: ["admin@example.com"],
};
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** Runs `initialize` and answers the message of the InvalidConfigError it throws. */
async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return (error as Error).message;
  }
  throw new Error("initialize accepted the config");
}

describe("initialize(config) is typed by each channel's config type", () => {
  it("EmailChannel: a misspelled key, snake_case, a wrong type or a missing key", async () => {
    const channel = new EmailChannel();
    expectTypeOf(channel.initialize).parameter(0).toEqualTypeOf<EmailChannelConfig>();
    // @ts-expect-error: "smtpServr" is not a key of EmailChannelConfig
    expect(await refusal(() => channel.initialize({ ...email, smtpServr: "x" }))).toContain(
      "smtpServr",
    );
    // @ts-expect-error: the guide's snake_case spelling is not a key either
    expect(await refusal(() => channel.initialize({ ...email, use_tls: false }))).toContain(
      '"useTls"',
    );
    // @ts-expect-error: smtpPort is a number
    expect(await refusal(() => channel.initialize({ ...email, smtpPort: "587" }))).toContain(
      "smtpPort",
    );
    const { recipients: _, ...withoutRecipients } = email;
    // @ts-expect-error: recipients is required
    expect(await refusal(() => channel.initialize(withoutRecipients))).toContain("recipients");
  });

  it("SlackChannel and WebhookChannel", async () => {
    const slack: SlackChannelConfig = { webhookUrl: "https://hooks.slack.com/services/T/B/X" };
    // @ts-expect-error: "webhookURL" is not "webhookUrl"
    expect(await refusal(() => new SlackChannel().initialize({ webhookURL: "x" }))).toContain(
      "webhookURL",
    );
    // @ts-expect-error: "timeout" is not a key ("timeoutSeconds" is)
    expect(await refusal(() => new SlackChannel().initialize({ ...slack, timeout: 5 }))).toContain(
      "timeout",
    );
    const webhook: WebhookChannelConfig = {
      webhookUrl: "https://x.example/h",
      signingSecret: SECRET,
    };
    expect(
      // @ts-expect-error: "maxRetry" is not "maxRetries"
      await refusal(() => new WebhookChannel().initialize({ ...webhook, maxRetry: 1 })),
    ).toContain("maxRetry");
  });

  it("HumanInTheLoopChannel, LoggingChannel, TerminalApprovalChannel, InProcessApprovalChannel", async () => {
    const hitl = { webhookUrl: "http://127.0.0.1:1/api", apiKey: "key-123456" };
    expect(
      // @ts-expect-error: the guide's "poll_interval" is spelled "pollInterval"
      await refusal(() => new HumanInTheLoopChannel().initialize({ ...hitl, poll_interval: 5 })),
    ).toContain('"pollInterval"');
    // @ts-expect-error: "level" is not "logLevel"
    expect(await refusal(() => new LoggingChannel().initialize({ level: "INFO" }))).toContain(
      "level",
    );
    const terminal = new TerminalApprovalChannel({ output: process.stdout });
    // @ts-expect-error: "reviewerName" is not "reviewer"
    expect(await refusal(() => terminal.initialize({ reviewerName: "a" }))).toContain(
      "reviewerName",
    );
    // @ts-expect-error: the in-process channel has no config keys
    expect(await refusal(() => new InProcessApprovalChannel().initialize({ x: 1 }))).toContain(
      '"x"',
    );
  });

  it("the plain contracts accept every channel, whatever its config type", () => {
    const manager = new NotificationManager();
    manager.registerChannel("email", new EmailChannel());
    manager.registerChannel("logs", new LoggingChannel());
    manager.registerChannel("inbox", new InProcessApprovalChannel());
    expectTypeOf(new SlackChannel()).toExtend<NotificationChannel>();
    expectTypeOf(new HumanInTheLoopChannel()).toExtend<ApprovalChannel>();
    expectTypeOf(new TerminalApprovalChannel()).toExtend<ApprovalChannel>();
    const handler = new HumanActionHandler(new InProcessApprovalChannel());
    expect(handler).toBeInstanceOf(HumanActionHandler);
    // `initialize` of a channel of unknown config type takes nothing:
    const any = manager.getChannel("email")!;
    // @ts-expect-error: call initialize on the channel itself, whose config type is known
    expect(() => any.initialize({ logLevel: "INFO" })).toThrow(InvalidConfigError);
  });

  it("the conformance kit takes Config from the channel: the transport's config is checked", () => {
    const options = <Config>(o: ChannelConformanceOptions<Config>) => o;
    const transport = { received: () => [], fail: () => {}, close: () => {} };
    const ok = options({
      name: "LoggingChannel",
      create: () => new LoggingChannel(),
      startTransport: () => ({ ...transport, config: { logLevel: "INFO" } }),
      invalidConfigs: [{ config: { level: "INFO" }, key: "level" }], // untyped on purpose
    });
    expectTypeOf(ok).toEqualTypeOf<ChannelConformanceOptions<LoggingChannelConfig | undefined>>();
    options({
      name: "LoggingChannel",
      create: () => new LoggingChannel(),
      // @ts-expect-error: "levle" is not a key of LoggingChannelConfig
      startTransport: () => ({ ...transport, config: { levle: "INFO" } }),
      invalidConfigs: [],
    });
    options({
      name: "EmailChannel",
      create: () => new EmailChannel(),
      // @ts-expect-error: "smtpServr" is not a key of EmailChannelConfig
      startTransport: () => ({ ...transport, config: { smtpServr: "x", smtpPort: 25 } }),
      invalidConfigs: [],
    });
  });

  it("a user's channel names its config type the same way", async () => {
    interface PagerConfig {
      routingKey: string;
    }
    class PagerChannel implements NotificationChannel<PagerConfig> {
      config: PagerConfig | undefined;
      initialize(config: PagerConfig): void {
        this.config = config;
      }
      sendNotification(_alert: SafetyAlert): boolean {
        return this.config !== undefined;
      }
      shutdown(): void {}
    }
    const pager = new PagerChannel();
    pager.initialize({ routingKey: "r1" });
    // @ts-expect-error: "routingkey" is not "routingKey"
    pager.initialize({ routingkey: "r1" });
    new NotificationManager().registerChannel("pager", pager);
  });
});
