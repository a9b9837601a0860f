/**
 * @module auth/signed-token
 * Compact HMAC-SHA256 signed tokens (`base64url(json).base64url(mac)`) for session cookies,
 * CSRF tokens and email links. Each use has its own `purpose`, mixed into the MAC, so a
 * token made for one purpose never verifies for another.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const mac = (secret: string, purpose: string, body: string) =>
  createHmac("sha256", secret).update(`${purpose}.${body}`, "utf8").digest();

/** Signs `payload` (any JSON) for `purpose`. */
export function signToken(secret: string, purpose: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${mac(secret, purpose, body).toString("base64url")}`;
}

/** The payload of a token signed for `purpose`, or `undefined` when malformed or forged. */
export function verifyToken(secret: string, purpose: string, token: string): unknown {
  if (token.length > 4096) return undefined;
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return undefined;
  const expected = mac(secret, purpose, body);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** HMAC-SHA256 of `value` as base64url (derived values such as CSRF tokens). */
export function hmacBase64url(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value, "utf8").digest("base64url");
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
