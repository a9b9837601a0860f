/**
 * @module email-message
 * Renders a {@link SafetyAlert} as an email: a one-line subject `[SEVERITY] title`, a
 * plain-text and an escaped HTML body, and threading headers so a mail client groups every
 * mail about one action (`metadata.action_id`) into one conversation.
 */
import { createHash } from "node:crypto";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { escapeHtml, httpUrl, metadataText, singleLine, truncate } from "./escape.js";

/** The parts of an alert email that {@link EmailChannel} hands to nodemailer. */
export interface AlertEmail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  headers: Record<string, string>;
}

/** An id as a safe msg-id fragment: itself when plain, otherwise a hash of it. */
function idPart(id: string): string {
  if (/^[A-Za-z0-9._-]{1,64}$/.test(id)) return id;
  return `h${createHash("sha256").update(id).digest("hex").slice(0, 32)}`;
}

/** The domain of a sender address, for msg-ids (`example.com` of `a@example.com`). */
export function senderDomain(sender: string): string {
  const domain = sender.slice(sender.lastIndexOf("@") + 1).replace(/[>\s].*$/, "");
  return /^[A-Za-z0-9.-]+$/.test(domain) ? domain : "safeguards.invalid";
}

/** Renders `alert` for mail sent from `sender`. */
export function buildAlertEmail(alert: SafetyAlert, sender: string): AlertEmail {
  const domain = senderDomain(sender);
  const title = singleLine(alert.title) || "Safety alert";
  const actionId = alert.metadata.action_id;
  const threadKey =
    (typeof actionId === "string" && actionId) || typeof actionId === "number"
      ? String(actionId)
      : undefined;
  const alertPart = idPart(alert.id);
  const reviewUrl = httpUrl(alert.metadata.review_url);
  const metadata = Object.entries(alert.metadata).map(
    ([key, value]) => [singleLine(key), metadataText(value)] as const,
  );

  const text = [
    `[${alert.severity}] ${title}`,
    "",
    alert.description,
    "",
    ...(metadata.length ? ["Details:", ...metadata.map(([k, v]) => `  ${k}: ${v}`), ""] : []),
    ...(reviewUrl ? [`Review: ${reviewUrl}`, ""] : []),
    `Alert ${alert.id}${alert.agentId ? ` from agent ${alert.agentId}` : ""} at ${alert.timestamp.toISOString()}`,
  ].join("\n");

  const rows = metadata
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join("");
  const html = [
    "<!doctype html><html><body>",
    `<h2>[${escapeHtml(alert.severity)}] ${escapeHtml(title)}</h2>`,
    `<p style="white-space:pre-wrap">${escapeHtml(alert.description)}</p>`,
    rows ? `<table cellpadding="4">${rows}</table>` : "",
    reviewUrl ? `<p><a href="${escapeHtml(reviewUrl)}">Open the review page</a></p>` : "",
    `<p><small>Alert ${escapeHtml(alert.id)}${alert.agentId ? ` from agent ${escapeHtml(alert.agentId)}` : ""} at ${alert.timestamp.toISOString()}</small></p>`,
    "</body></html>",
  ].join("");

  const headers: Record<string, string> = {
    "X-Safeguards-Alert-Id": truncate(singleLine(alert.id), 200),
    "X-Safeguards-Severity": alert.severity,
  };
  const email: AlertEmail = {
    subject: truncate(`[${alert.severity}] ${title}`, 250),
    text,
    html,
    messageId: `<alert.${alertPart}@${domain}>`,
    headers,
  };
  if (threadKey) {
    const root = `<action.${idPart(threadKey)}@${domain}>`;
    email.messageId = `<alert.${alertPart}.${idPart(threadKey)}@${domain}>`;
    email.inReplyTo = root;
    email.references = root;
    headers["X-Safeguards-Action-Id"] = truncate(singleLine(threadKey), 200);
  }
  return email;
}
