/**
 * @module cli/smtp-url
 * Parses the CLI's SMTP server URL (`--smtp-url`, `SAFEGUARDS_SMTP_URL`) into the options of
 * email approvals: `smtps://user:pass@host:465` (implicit TLS), `smtp://user:pass@host:587`
 * (STARTTLS required), and `?require_tls=false` to allow clear text when the server offers
 * no STARTTLS (a local test server, never production).
 */
import { InvalidConfigError } from "@safeguards/core";
import type { SmtpOptions } from "../email/email-approvals.js";

/** The {@link SmtpOptions} of an `smtp://` or `smtps://` URL; throws InvalidConfigError. */
export function parseSmtpUrl(name: string, raw: string): SmtpOptions {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidConfigError(`${name} must be a URL like smtps://user:pass@host:465`);
  }
  const secure = url.protocol === "smtps:";
  if (!secure && url.protocol !== "smtp:")
    throw new InvalidConfigError(`${name} must start with smtp:// or smtps://`);
  if (!url.hostname) throw new InvalidConfigError(`${name} has no host`);
  const requireTls = url.searchParams.get("require_tls");
  if (requireTls !== null && requireTls !== "false" && requireTls !== "true")
    throw new InvalidConfigError(`${name}: require_tls must be true or false`);
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(requireTls === "false" ? { requireTls: false } : {}),
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
  };
}
