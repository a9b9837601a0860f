/**
 * @module logging-channel
 * A notification channel that writes alerts to a logger (the console by default),
 * at a level that follows the alert's severity.
 */
import { z } from "zod";
import { type AlertSeverity, type SafetyAlert, SEVERITIES } from "../alerts/safety-alert.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import type { NotificationChannel } from "./notification-channel.js";

/** The logger a {@link LoggingChannel} writes to; `console`, pino and winston all fit. */
export interface ChannelLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Minimum levels accepted by `initialize({ logLevel })` (any case). */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link LoggingChannel}. */
export interface LoggingChannelOptions {
  /** Where lines go. @default console */
  logger?: ChannelLogger;
}

const configSchema = z.strictObject({
  logLevel: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(LOG_LEVELS))
    .default("INFO"),
});

/** Configuration of {@link LoggingChannel}: `{ logLevel? }` (one of {@link LOG_LEVELS}, any case). */
export type LoggingChannelConfig = z.input<typeof configSchema>;

/** The logger method each severity is written with. */
const METHOD: Record<AlertSeverity, keyof ChannelLogger> = {
  INFO: "info",
  WARNING: "warn",
  ERROR: "error",
  CRITICAL: "error",
};

/** DEBUG is below every severity, so it lets everything through. */
function levelRank(level: LogLevel): number {
  return level === "DEBUG" ? -1 : SEVERITIES.indexOf(level);
}

/**
 * Writes each alert as one line: `[SEVERITY] title: description (agent=…, alert=…) {metadata}`.
 *
 * `initialize({ logLevel })` sets the minimum level (`"DEBUG"`, `"INFO"`, `"WARNING"`,
 * `"ERROR"`, `"CRITICAL"`, any case; default `"INFO"`). Severities map to logger methods:
 * INFO -> `info`, WARNING -> `warn`, ERROR and CRITICAL -> `error`. An alert below the
 * minimum level is not written and counts as handled (`true`), as a logger would filter
 * it. Control characters in the untrusted text (CR, LF, ANSI escapes, ...) are written as
 * visible escapes, so an alert can never forge extra log lines.
 *
 * `sendNotification` returns `false` before `initialize`, after `shutdown`, or when the
 * logger throws; it never throws.
 */
export class LoggingChannel implements NotificationChannel<LoggingChannelConfig> {
  readonly #logger: ChannelLogger;
  #minLevel: LogLevel | undefined;

  constructor(options: LoggingChannelOptions = {}) {
    refuseSnakeCaseKeys("LoggingChannel", options);
    this.#logger = options.logger ?? console;
  }

  /** Validates `{ logLevel }`; throws InvalidConfigError naming a bad key. */
  initialize(config: LoggingChannelConfig = {}): void {
    this.#minLevel = parseConfig("LoggingChannel", configSchema, config).logLevel;
  }

  /** Writes `alert` to the logger; see the class description for the return value. */
  sendNotification(alert: SafetyAlert): boolean {
    const minLevel = this.#minLevel;
    if (minLevel === undefined) return false;
    try {
      const method = METHOD[alert.severity];
      if (method === undefined) return false;
      if (SEVERITIES.indexOf(alert.severity) < levelRank(minLevel)) return true;
      this.#logger[method](formatAlert(alert));
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the channel; later sends return `false` until `initialize` is called again. */
  shutdown(): void {
    this.#minLevel = undefined;
  }
}

/** One log line for `alert`, with control characters made visible. */
export function formatAlert(alert: SafetyAlert): string {
  const context = [
    alert.agentId === undefined ? undefined : `agent=${visible(alert.agentId)}`,
    `alert=${visible(alert.id)}`,
  ].filter((part) => part !== undefined);
  const metadata =
    alert.metadata !== undefined && Object.keys(alert.metadata).length > 0
      ? ` ${jsonLine(alert.metadata)}`
      : "";
  return `[${alert.severity}] ${visible(alert.title)}: ${visible(alert.description)} (${context.join(", ")})${metadata}`;
}

/** JSON on one line; JSON.stringify already escapes control characters, not U+2028/9. */
function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029\u0085]/g, (c) => escapeChar(c));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function visible(text: string): string {
  return String(text).replace(CONTROL, escapeChar);
}

function escapeChar(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
