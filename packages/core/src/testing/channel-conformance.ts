/**
 * @module channel-conformance
 * The conformance suite every notification channel runs (also for users' own channels):
 * registers Vitest tests for the contract of {@link NotificationChannel}.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAlert, type SafetyAlert } from "../alerts/safety-alert.js";
import type { NotificationChannel } from "../channels/notification-channel.js";
import { ErrorCode, isSafeguardsError } from "../errors.js";
import { toCamelCase } from "../util/config.js";

/** One message as the transport received it, split by how a client would render it. */
export interface ReceivedMessage {
  /** Everything that arrived, as text (raw mail, HTTP body, log line). */
  raw: string;
  /** Header names of the message, lower-case (mail headers, HTTP headers). */
  headerNames?: string[];
  /** Parts a client renders as HTML. */
  html?: string[];
  /** Parts Slack renders as mrkdwn. */
  mrkdwn?: string[];
}

/** How the transport behaves from now on: fail each delivery, hang, or work again. */
export type TransportMode = "ok" | "error" | "slow";

/**
 * A running local transport (SMTP server, HTTP receiver, log sink) the channel sends to;
 * `Config` is the channel's config type.
 */
export interface ConformanceTransport<Config = Record<string, unknown>> {
  /** A valid config pointing the channel at this transport. */
  config: Config;
  /** What the transport has received so far. */
  received(): ReceivedMessage[] | Promise<ReceivedMessage[]>;
  /** Switches behaviour: `error` refuses deliveries, `slow` never answers. */
  fail(mode: TransportMode): void;
  /** Stops the transport (including connections left hanging by `slow`). */
  close(): void | Promise<void>;
}

/**
 * An invalid config and the key its error must name. Deliberately untyped: the suite checks
 * the run-time refusal that JavaScript callers (and wrong casts) meet.
 */
export interface InvalidConfigCase {
  config: Record<string, unknown>;
  key: string;
}

/**
 * Options of {@link describeChannelConformance}; `Config` is the channel's config type,
 * taken from what `create` returns (`| undefined` when its `initialize` may be called
 * without one).
 */
export interface ChannelConformanceOptions<Config = Record<string, unknown>> {
  /** Name shown in the test titles. */
  name: string;
  /** A fresh, uninitialised channel. */
  create(): NotificationChannel<Config>;
  /** Starts a transport for one test; its `config` must be a valid `Config`. */
  startTransport():
    | ConformanceTransport<NoInfer<NonNullable<Config>>>
    | Promise<ConformanceTransport<NoInfer<NonNullable<Config>>>>;
  /** Bad configs and the key each error must name (at least one). */
  invalidConfigs: InvalidConfigCase[];
  /**
   * Config overrides that bound a send to `seconds`; `false` for a channel with no network
   * (no slow-transport test). @default (seconds) => ({ timeoutSeconds: seconds })
   */
  timeoutConfig?: ((seconds: number) => NoInfer<Partial<NonNullable<Config>>>) | false;
  /**
   * The channel needs no setup and delivers before `initialize` (InProcessApprovalChannel):
   * the suite checks that delivery instead of the refusal of an uninitialised channel.
   * @default false
   */
  readyWithoutInitialize?: boolean;
  /**
   * `false` for a transport that cannot fail (an in-memory list): its `fail` is a no-op and
   * the failing-transport test is not registered. @default true
   */
  transportCanFail?: boolean;
  /** Timeout used by the slow-transport test. @default 0.3 */
  slowTimeoutSeconds?: number;
  /** Extra time a send may take beyond its timeout before the test fails. @default 1000 */
  slackMs?: number;
  /** Waits until a sent message is visible in `received()`. @default polls for 2 s */
  settle?: (
    transport: ConformanceTransport<NoInfer<NonNullable<Config>>>,
    count: number,
  ) => Promise<ReceivedMessage[]>;
}

/** A marker in every conformance alert, to find it in what was received. */
export const CONFORMANCE_MARKER = "conformance-7f3a";

/** The hostile alert of the injection test: HTML, Slack control sequences, CRLF in the title. */
export function untrustedAlert(): SafetyAlert {
  return createAlert({
    title: `Pay ${CONFORMANCE_MARKER}\r\nX-Injected: yes\r\nBcc: victim@example.com`,
    description: `<script>alert(1)</script><img src=x onerror=alert(2)> <!channel> <!here> <@U0123> <http://evil.example|click me> ${CONFORMANCE_MARKER}`,
    severity: "CRITICAL",
    metadata: { "<b>key</b>": "<a href=http://evil.example>x</a> <!everyone>", action_id: "act_1" },
    agentId: "<agent>",
  });
}

function plainAlert(): SafetyAlert {
  return createAlert({
    title: `Conformance ${CONFORMANCE_MARKER}`,
    description: "A plain alert.",
    severity: "WARNING",
  });
}

async function pollReceived<Config>(transport: ConformanceTransport<Config>, count: number) {
  const until = Date.now() + 2000;
  for (;;) {
    const got = await transport.received();
    if (got.length >= count || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The channel as a JavaScript caller sees it: `initialize` takes anything, so the suite
 * can check the run-time refusal of bad keys that the types already refuse in TypeScript.
 */
function untyped(channel: NotificationChannel<never>): NotificationChannel<unknown> {
  return channel as NotificationChannel<unknown>;
}

/** Registers the conformance tests of one channel in the current Vitest file. */
export function describeChannelConformance<Config>(
  options: ChannelConformanceOptions<Config>,
): void {
  const settle = options.settle ?? pollReceived;
  const timeoutConfig: ((seconds: number) => object) | false =
    options.timeoutConfig ?? ((seconds: number) => ({ timeoutSeconds: seconds }));

  describe(`${options.name} conformance`, () => {
    let transport: ConformanceTransport<NonNullable<Config>>;
    let channels: NotificationChannel<Config>[] = [];
    const make = () => {
      const channel = options.create();
      channels.push(channel);
      return channel;
    };
    beforeEach(async () => {
      transport = await options.startTransport();
    });
    afterEach(async () => {
      for (const channel of channels) await channel.shutdown();
      channels = [];
      await transport.close();
    });

    it("delivers an alert once initialised", async () => {
      const channel = make();
      await channel.initialize(transport.config);
      expect(await channel.sendNotification(plainAlert())).toBe(true);
      const got = await settle(transport, 1);
      expect(got).toHaveLength(1);
      expect(got[0]?.raw).toContain(CONFORMANCE_MARKER);
    });

    if (options.readyWithoutInitialize) {
      it("delivers before initialize (the channel needs no setup)", async () => {
        expect(await make().sendNotification(plainAlert())).toBe(true);
        expect(await settle(transport, 1)).toHaveLength(1);
      });
    } else {
      it("returns false and sends nothing when not initialised", async () => {
        const channel = make();
        expect(await channel.sendNotification(plainAlert())).toBe(false);
        await new Promise((r) => setTimeout(r, 50));
        expect(await transport.received()).toHaveLength(0);
      });
    }

    it("refuses invalid config with an InvalidConfigError naming the key", async () => {
      expect(options.invalidConfigs.length).toBeGreaterThan(0);
      for (const bad of options.invalidConfigs) {
        const error = await Promise.resolve()
          .then(() => untyped(make()).initialize(bad.config))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(
          isSafeguardsError(error, ErrorCode.INVALID_CONFIG),
          `config ${JSON.stringify(bad.config)}`,
        ).toBe(true);
        expect((error as Error).message).toContain(bad.key);
      }
    });

    it("refuses a snake_case key, naming its camelCase spelling", async () => {
      const key = Object.keys(transport.config).find((k) => /[A-Z]/.test(k));
      const config: Record<string, unknown> = Object.fromEntries(Object.entries(transport.config));
      let expected = "someSetting";
      if (key) {
        expected = key;
        config[snakeCase(key)] = config[key];
        delete config[key];
      } else config.some_setting = 1;
      const error = await Promise.resolve()
        .then(() => untyped(make()).initialize(config))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
      expect((error as Error).message).toContain(`"${toCamelCase(snakeCase(expected))}"`);
    });

    if (options.transportCanFail !== false) {
      it("returns false, without throwing, when the transport fails", async () => {
        const channel = make();
        await channel.initialize(transport.config);
        transport.fail("error");
        await expect(Promise.resolve(channel.sendNotification(plainAlert()))).resolves.toBe(false);
      });
    }

    if (timeoutConfig !== false) {
      it("bounds a send to a slow transport by its timeout", async () => {
        const seconds = options.slowTimeoutSeconds ?? 0.3;
        const channel = make();
        await untyped(channel).initialize({ ...transport.config, ...timeoutConfig(seconds) });
        transport.fail("slow");
        const started = Date.now();
        const delivered = await channel.sendNotification(plainAlert());
        const elapsed = Date.now() - started;
        expect(delivered).toBe(false);
        expect(elapsed).toBeLessThan(seconds * 1000 + (options.slackMs ?? 1000));
      });
    }

    it("returns false and sends nothing after shutdown", async () => {
      const channel = make();
      await channel.initialize(transport.config);
      await channel.shutdown();
      expect(await channel.sendNotification(plainAlert())).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      expect(await transport.received()).toHaveLength(0);
    });

    it("keeps untrusted text from injecting headers, HTML or Slack control sequences", async () => {
      const channel = make();
      await channel.initialize(transport.config);
      expect(await channel.sendNotification(untrustedAlert())).toBe(true);
      const [message] = await settle(transport, 1);
      expect(message?.raw).toContain(CONFORMANCE_MARKER);
      const lines = message?.raw.split(/\r\n|\r|\n/) ?? [];
      expect(lines.filter((l) => /^(X-Injected|Bcc):/i.test(l))).toEqual([]);
      expect(message?.headerNames ?? []).not.toContain("x-injected");
      for (const html of message?.html ?? []) {
        expect(html).not.toMatch(/<script|<img|<a href=http:\/\/evil|<b>key/i);
      }
      for (const mrkdwn of message?.mrkdwn ?? []) {
        expect(mrkdwn).not.toMatch(/<[!@#]|<https?:/i);
      }
    });
  });
}
