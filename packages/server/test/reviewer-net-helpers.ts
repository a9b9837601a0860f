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

/** Presses a link's confirm button (a form POST, as the page sends it): status and page text. */
export async function confirmLink(
  link: string,
  fields: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(link, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, text: await res.text() };
}
