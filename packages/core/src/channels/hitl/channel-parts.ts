/**
 * @module hitl/channel-parts
 * Builds what an initialised `HumanInTheLoopChannel` runs on: the inbox client, the one
 * decision stream and, with `callbackUrl`, the callback receiver, whose callbacks only wake
 * a read of the record from the inbox (`callback-wakeup`), and the reporter of local
 * timeouts (`timeout-reporter`).
 */
import type { Server } from "node:http";
import type * as protocol from "../../protocol/index.js";
import type { Clock } from "../../util/clock.js";
import { clockSleep, type Sleep } from "./backoff.js";
import { type CallbackListener, createCallbackListener } from "./callback-receiver.js";
import { createCallbackWakeup } from "./callback-wakeup.js";
import { DecisionStream } from "./decision-stream.js";
import type { HitlConfig } from "./hitl-config.js";
import { InboxClient } from "./inbox-client.js";
import { createTimeoutReporter, type TimeoutReporter } from "./timeout-reporter.js";

/** The running parts of one channel. */
export interface ChannelParts {
  config: HitlConfig;
  client: InboxClient;
  stream: DecisionStream;
  /** Reports the handler's local timeouts once the inbox answers. */
  timeouts: TimeoutReporter;
  callbacks?: CallbackListener;
  /** Callback servers started by `listenForCallbacks` (closed on shutdown). */
  servers: Server[];
}

/** Inputs of {@link createChannelParts}. */
export interface ChannelPartsOptions {
  clock: Clock;
  sleep?: Sleep;
  random?: () => number;
  backoffMs?: number;
  /** True while the channel waits for at least one action. */
  wanted: () => boolean;
  /** True for an action the channel waits for (a callback for any other id is ignored). */
  waitingFor: (actionId: string) => boolean;
  /**
   * Receives terminal records read from the inbox with the channel's key: from the stream,
   * and from the read that a verified callback triggers.
   */
  onRecord: (record: protocol.ActionRecord) => void;
  onStreamError?: (error: unknown) => void;
}

/** Creates the client, stream and receiver for `config`. */
export function createChannelParts(config: HitlConfig, options: ChannelPartsOptions): ChannelParts {
  const sleep = options.sleep ?? clockSleep(options.clock);
  const backoffMs = options.backoffMs ?? 200;
  const client = new InboxClient({
    baseUrl: config.webhookUrl.replace(/\/+$/, ""),
    apiKey: config.apiKey,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    maxRetries: config.maxRetries,
    signingSecret: config.signingSecret,
    clock: options.clock,
    sleep,
    backoffMs,
    random: options.random,
  });
  const stream = new DecisionStream({
    client,
    waitSeconds: config.longPollSeconds,
    pollIntervalMs: config.pollInterval * 1000,
    longPoll: config.longPoll,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    backoffMs,
    sleep,
    random: options.random,
    wanted: options.wanted,
    onRecord: options.onRecord,
    onError: (error) => options.onStreamError?.(error),
    cursor: config.decisionsCursor,
  });
  const timeouts = createTimeoutReporter({
    client,
    sleep,
    backoffMs,
    random: options.random,
    onError: (error) => options.onStreamError?.(error),
  });
  const parts: ChannelParts = { config, client, stream, timeouts, servers: [] };
  if (config.signingSecret && config.callbackUrl) {
    let wake: (actionId: string) => void = () => {};
    parts.callbacks = createCallbackListener({
      signingSecret: config.signingSecret,
      onWake: (actionId) => wake(actionId),
    });
    wake = createCallbackWakeup({
      client,
      waitingFor: options.waitingFor,
      onRecord: options.onRecord,
      stats: parts.callbacks.stats,
      onError: (error) => options.onStreamError?.(error),
    });
  }
  return parts;
}
