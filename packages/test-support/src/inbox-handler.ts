/**
 * @module inbox-handler
 * An agent's side of a real inbox for a test: a test inbox on 127.0.0.1 with one agent key,
 * a `HumanInTheLoopChannel` to it and a `HumanActionHandler`, all closed by `defer`.
 */

import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import type { InboxOptions } from "@safeguards/server";
import { type InboxRecord, inboxReviewer } from "./inbox-reviewer.js";
import { REVIEWER_TOKEN, startTestInbox } from "./test-inbox.js";

/**
 * Starts the inbox (with `overrides`), the channel (polling every 0.2 s) and the handler for
 * `agentId`.
 */
export async function inboxHandler(
  defer: (cleanup: () => unknown) => void,
  agentId = "bank-bot",
  overrides: Partial<InboxOptions> = {},
): Promise<{ url: string; handler: HumanActionHandler; channel: HumanInTheLoopChannel }> {
  const apiKey = `agent-key-${agentId}`;
  const { inbox, url } = await startTestInbox({ apiKeys: { [apiKey]: agentId }, ...overrides });
  defer(() => inbox.close());
  const channel = new HumanInTheLoopChannel();
  await channel.initialize({ webhookUrl: url, apiKey, pollInterval: 0.2 });
  defer(() => channel.shutdown());
  const handler = new HumanActionHandler(channel, { onError: () => {} });
  defer(() => handler.shutdown());
  return { url, handler, channel };
}

/**
 * {@link inboxHandler} with a scripted reviewer deciding over the inbox's API
 * (`inboxReviewer` with the alice token), stopped by `defer`.
 */
export async function inboxWithReviewer(
  defer: (cleanup: () => unknown) => void,
  agentId: string,
  decide: (record: InboxRecord) => unknown[],
) {
  const { url, handler } = await inboxHandler(defer, agentId);
  const reviewer = inboxReviewer(url, REVIEWER_TOKEN, decide);
  defer(() => reviewer.stop());
  return { url, handler, reviewer };
}
