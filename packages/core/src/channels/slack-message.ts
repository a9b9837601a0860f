/**
 * @module slack-message
 * Renders a {@link SafetyAlert} as a Slack Block Kit message with a plain-text fallback.
 * Every piece of alert text is escaped for mrkdwn, so agent-written text cannot ping
 * `@channel`, mention users or smuggle links.
 */
import type { SafetyAlert } from "../alerts/safety-alert.js";
import type { JsonObject } from "../util/json.js";
import { escapeSlackMrkdwn, httpUrl, metadataText, singleLine, truncate } from "./escape.js";

const SEVERITY_EMOJI: Record<string, string> = {
  INFO: ":information_source:",
  WARNING: ":warning:",
  ERROR: ":x:",
  CRITICAL: ":rotating_light:",
};

/** Metadata keys shown elsewhere than in the fields section. */
const HIDDEN_KEYS = new Set(["review_url"]);

/** The Slack message (without channel/username routing) for `alert`. */
export function buildSlackMessage(alert: SafetyAlert): { text: string; blocks: JsonObject[] } {
  const title = singleLine(alert.title);
  const severity = alert.severity;
  const md = (text: string, max: number) => truncate(escapeSlackMrkdwn(text), max);
  const blocks: JsonObject[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(title || "Safety alert", 150), emoji: false },
    },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Severity*\n${SEVERITY_EMOJI[severity] ?? ""} ${severity}` },
        { type: "mrkdwn", text: `*Agent*\n${md(alert.agentId ?? "unknown", 1900)}` },
      ],
    },
  ];
  if (alert.description) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: md(alert.description, 3000) } });
  }
  const entries = Object.entries(alert.metadata).filter(([key]) => !HIDDEN_KEYS.has(key));
  for (let i = 0; i < entries.length && i < 20; i += 10) {
    blocks.push({
      type: "section",
      fields: entries.slice(i, i + 10).map(([key, value]) => ({
        type: "mrkdwn",
        text: truncate(
          `*${escapeSlackMrkdwn(singleLine(key))}*\n${md(metadataText(value), 1900)}`,
          2000,
        ),
      })),
    });
  }
  const reviewUrl = httpUrl(alert.metadata.review_url);
  if (reviewUrl && reviewUrl.length <= 3000) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Open review" },
          url: reviewUrl,
          style: severity === "CRITICAL" || severity === "ERROR" ? "danger" : "primary",
        },
      ],
    });
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: truncate(
          `Alert ${escapeSlackMrkdwn(alert.id)} · ${alert.timestamp.toISOString()}`,
          3000,
        ),
      },
    ],
  });
  const fallback = `[${severity}] ${escapeSlackMrkdwn(title)}: ${escapeSlackMrkdwn(singleLine(alert.description))}`;
  return { text: truncate(fallback, 3000), blocks };
}
