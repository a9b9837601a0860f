/**
 * @module ui/security-headers
 * Headers of every reviewer page: a strict Content-Security-Policy (scripts and styles only
 * from the inbox's own files, no inline script, no framing), no MIME sniffing, no referrer
 * (email links carry tokens), no caching.
 */
import type { Context } from "hono";

/** The Content-Security-Policy of the reviewer pages. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Sets the security headers on the response being built by `c`. */
export function setSecurityHeaders(c: Context): void {
  c.header("content-security-policy", CONTENT_SECURITY_POLICY);
  c.header("x-content-type-options", "nosniff");
  c.header("x-frame-options", "DENY");
  c.header("referrer-policy", "no-referrer");
  c.header("cache-control", "no-store");
  c.header("cross-origin-opener-policy", "same-origin");
}
