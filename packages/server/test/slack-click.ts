/**
 * @module test/slack-click
 * A Slack button click as Slack sends it to `/slack/interactions`: a form-encoded
 * `payload` (block_actions), signed with the app's signing secret at a given time.
 */
import { slackSignature } from "../src/slack/slack-signature.js";

/** What the click is: who pressed which button of which action, and where Slack awaits the answer. */
export interface SlackClick {
  user: string;
  actionId: string;
  id: string;
  responseUrl: string;
}

/** Posts the click to `${root}/slack/interactions`, signed at `nowMs` (or tampered). */
export function clickSlackButton(
  root: string,
  signingSecret: string,
  nowMs: number,
  options: SlackClick,
  tamper: { timestamp?: number; signature?: string } = {},
): Promise<Response> {
  const payload = {
    type: "block_actions",
    user: { id: options.user },
    response_url: options.responseUrl,
    actions: [{ action_id: options.actionId, value: options.id }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = String(tamper.timestamp ?? Math.floor(nowMs / 1000));
  return fetch(`${root}/slack/interactions`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": ts,
      "x-slack-signature": tamper.signature ?? slackSignature(signingSecret, ts, body),
    },
    body,
  });
}
