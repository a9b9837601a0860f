/**
 * @module test-inbox
 * An inbox per test: `createInbox` with known agent keys, reviewer tokens and a Standard
 * Webhooks secret, listening on 127.0.0.1 (port 0 unless told), and the names it knows.
 */
import { createInbox, type Inbox, type InboxOptions } from "@safeguards/server";

/** API key of the financial agent ({@link AGENT}). */
export const AGENT_KEY = "agent-key-financial";
/** API key of the other agent ({@link AGENT_B}). */
export const AGENT_B_KEY = "agent-key-other-bot";
/** Reviewer token of alice. */
export const REVIEWER_TOKEN = "reviewer-token-alice";
/** Reviewer token of bob. */
export const REVIEWER_B_TOKEN = "reviewer-token-bob";
/** Agent id behind {@link AGENT_KEY}. */
export const AGENT = "financial_advisor";
/** Agent id behind {@link AGENT_B_KEY}. */
export const AGENT_B = "other_bot";
/** Standard Webhooks secret (`whsec_...`) that signs the test inbox's callbacks. */
export const SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;

/** A listening test inbox. */
export interface TestInbox {
  inbox: Inbox;
  /** The API URL (a channel's `webhookUrl`), ending in `/api`. */
  url: string;
  /** The inbox's origin and base path, without `/api` (web inbox, email and Slack routes). */
  root: string;
}

/** The options of the test inbox: memory store, both agents, alice and bob, errors ignored. */
export function testInboxOptions(overrides: Partial<InboxOptions> = {}): InboxOptions {
  return {
    store: "memory",
    apiKeys: { [AGENT_KEY]: AGENT, [AGENT_B_KEY]: AGENT_B },
    reviewerTokens: { [REVIEWER_TOKEN]: "alice", [REVIEWER_B_TOKEN]: "bob" },
    signingSecret: SECRET,
    onError: () => {},
    ...overrides,
  };
}

/**
 * Starts an inbox on 127.0.0.1 with {@link testInboxOptions} and `overrides`.
 * @param port @default 0 (a free port)
 */
export async function startTestInbox(
  overrides: Partial<InboxOptions> = {},
  port = 0,
): Promise<TestInbox> {
  const inbox = createInbox(testInboxOptions(overrides));
  const { url } = await inbox.listen({ port, host: "127.0.0.1" });
  return { inbox, url, root: url.replace(/\/api$/, "") };
}
