/**
 * @module escape
 * Escaping of untrusted (LLM-written) text for each place a channel puts it:
 * HTML, Slack mrkdwn, and single-line fields such as mail headers.
 */
import type { JsonValue } from "../util/json.js";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes `& < > " '` so `text` renders as text in HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Escapes text for Slack mrkdwn as Slack documents it (`&` `<` `>` only), so `<!channel>`,
 * `<@U123>` and `<http://evil|click>` show as text instead of pinging or linking.
 */
export function escapeSlackMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Collapses CR, LF and other control characters to spaces: safe for one-line fields. */
export function singleLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
}

/** Cuts `text` to at most `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** A metadata value as display text: strings as they are, anything else as JSON. */
export function metadataText(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `value` when it is an absolute http(s) URL, otherwise `undefined`. */
export function httpUrl(value: JsonValue | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
