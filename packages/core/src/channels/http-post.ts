/**
 * @module http-post
 * One JSON POST through undici, bounded by an AbortSignal; the shared transport of the
 * Slack and webhook channels.
 */
import { request } from "undici";

/** What came back from {@link postJson}. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The response body as text (cut to 64 KiB). */
  body: string;
}

const MAX_BODY_CHARS = 64 * 1024;

/**
 * POSTs `body` (already serialised JSON) to `url`; rejects on network errors and when
 * `signal` aborts (with its reason), resolves with any HTTP status otherwise.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpReply> {
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body,
    signal,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text.slice(0, MAX_BODY_CHARS) };
}

/** The first value of header `name` in `reply`, if any. */
export function headerValue(reply: HttpReply, name: string): string | undefined {
  const value = reply.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Seconds of a `Retry-After` header (delta-seconds or HTTP date), or `undefined`. */
export function retryAfterMs(reply: HttpReply, now: number): number | undefined {
  const value = headerValue(reply, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A short description of an error for `lastError` messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
