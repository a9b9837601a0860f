/**
 * @module test/reviewer-net-helpers
 * Reading the inbox's approval mails (captured by `@safeguards/test-support`'s SMTP sink).
 */
import type { SunkMail } from "@safeguards/test-support";

/** The link after `label: ` in a mail's text part. */
export function linkIn(mail: SunkMail, label: string): string {
  const match = new RegExp(`^${label}: (\\S+)$`, "m").exec(mail.parsed.text ?? "");
  if (!match?.[1]) throw new Error(`no ${label} link in mail`);
  return match[1];
}
