/**
 * @module slack/slack-signature
 * Slack's request signing (v0): `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with
 * the app's signing secret, compared in constant time, and a timestamp within 5 minutes
 * (replay protection). Checked before the body is parsed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Largest clock difference accepted (seconds). */
export const SLACK_TOLERANCE_SECONDS = 300;

/** Input of {@link verifySlackSignature}. */
export interface SlackSignatureInput {
  signingSecret: string;
  /** `X-Slack-Request-Timestamp` (seconds since the epoch). */
  timestamp: string | undefined;
  /** `X-Slack-Signature`. */
  signature: string | undefined;
  /** The raw request body, exactly as received. */
  body: string;
  /** Current time in seconds (from the inbox's clock). */
  nowSeconds: number;
}

/** The `v0=` signature Slack would send for `timestamp` and `body`. */
export function slackSignature(signingSecret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** Whether the request is signed by Slack and fresh. */
export function verifySlackSignature(input: SlackSignatureInput): boolean {
  const { timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return false;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > SLACK_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
