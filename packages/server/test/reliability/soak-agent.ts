/**
 * @module test/reliability/soak-agent
 * One agent of the soak: a `HumanActionHandler` over a `HumanInTheLoopChannel` with its own
 * API key. `runAction` files one action, drives it to its fate and records what the agent
 * saw and what it executed; the tool "runs" only on approved or modified, with the values
 * the handler hands out.
 */
import {
  ActionStatus,
  ChannelDeliveryError,
  ErrorCode,
  type HumanAction,
  HumanActionHandler,
  HumanInTheLoopChannel,
  isSafeguardsError,
} from "@safeguards/core";
import type { Fate, Ledger, LedgerEntry } from "./ledger.js";
import { sleep } from "./reliability-env.js";

/** The soak's test signing secret (callbacks). */
export const SOAK_SECRET = `whsec_${Buffer.from("soak-secret-0123456789abcdef0123").toString("base64")}`;
/** The reviewer token of every soak inbox. */
export const SOAK_REVIEWER_TOKEN = "soak-reviewer-token-alice";
/** Reviewer tokens of the quorum actions' reviewers (`alice` is {@link SOAK_REVIEWER_TOKEN}). */
export const SOAK_REVIEWERS = {
  alice: SOAK_REVIEWER_TOKEN,
  bob: "soak-reviewer-token-bob",
  carol: "soak-reviewer-token-carol",
  dave: "soak-reviewer-token-dave",
} as const;
/** A soak reviewer's name. */
export type SoakReviewer = keyof typeof SOAK_REVIEWERS;

/**
 * The inbox name of a soak reviewer's token: not an account name of the reviewer side's
 * accounts file (whose alice and bob have narrower rights), so these tokens may decide every
 * agent's actions.
 */
export const soakReviewerName = (who: SoakReviewer) => `soak_${who}`;

/** `reviewerTokens` of createInbox for every soak reviewer. */
export const soakReviewerTokens = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(SOAK_REVIEWERS).map(([name, token]) => [
      token,
      soakReviewerName(name as SoakReviewer),
    ]),
  );

/** API key and agent id of agent `i`. */
export const agentKey = (i: number) => ({ key: `soak-agent-key-${i}`, agentId: `soak_agent_${i}` });

/** `apiKeys` of createInbox (or SAFEGUARDS_API_KEYS) for `count` agents. */
export function soakApiKeys(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [agentKey(i).key, agentKey(i).agentId]),
  );
}

export const ARGS_SCHEMA = {
  type: "object",
  properties: {
    amount: { type: "string", pattern: "^[0-9]+\\.[0-9]{2}$" },
    to: { type: "string", minLength: 1 },
    ref: { type: "string" },
  },
  required: ["amount", "to", "ref"],
  additionalProperties: false,
};

/** Options of {@link startSoakAgent}. */
export interface SoakAgentOptions {
  index: number;
  webhookUrl: string;
  /** Where the inbox should send callbacks (a relay in front of `listenForCallbacks`). */
  callbackUrl?: string;
  /** `false`: hear decisions by callback, polling `/decisions` every 2 s as the fallback. */
  longPoll?: boolean;
}

/** A running soak agent. */
export interface SoakAgent {
  agentId: string;
  /** Its API key and the inbox URL it files through (for requests filed over plain HTTP). */
  key: string;
  webhookUrl: string;
  handler: HumanActionHandler;
  channel: HumanInTheLoopChannel;
  /** Errors the handler reported (invalid decisions, failed expiry reads). */
  errors: unknown[];
  /** Failed polls of the decision stream (each followed by a reconnect from its cursor). */
  counters: { streamErrors: number };
  stop(): Promise<void>;
}

/** Starts agent `index` against `webhookUrl`. */
export async function startSoakAgent(options: SoakAgentOptions): Promise<SoakAgent> {
  const { key, agentId } = agentKey(options.index);
  const counters = { streamErrors: 0 };
  const channel = new HumanInTheLoopChannel({
    backoffMs: 100,
    onStreamError: () => {
      counters.streamErrors += 1;
    },
  });
  await channel.initialize({
    webhookUrl: options.webhookUrl,
    apiKey: key,
    agentId,
    pollInterval: options.longPoll === false ? 2 : 1,
    longPoll: options.longPoll ?? true,
    longPollSeconds: 10,
    requestTimeoutSeconds: 10,
    maxRetries: 6,
    ...(options.callbackUrl
      ? { callbackUrl: options.callbackUrl, signingSecret: SOAK_SECRET }
      : {}),
  });
  const errors: unknown[] = [];
  const handler = new HumanActionHandler(channel, {
    expiryGraceSeconds: 10,
    onError: (error, ctx) => {
      if (ctx.phase !== "expire") errors.push(error);
    },
  });
  return {
    agentId,
    key,
    webhookUrl: options.webhookUrl,
    handler,
    channel,
    errors,
    counters,
    async stop() {
      handler.shutdown();
      await channel.shutdown();
    },
  };
}

/** Files one action (recovering from a failed filing by resuming or refiling the same id). */
export async function fileAction(
  agent: SoakAgent,
  entry: LedgerEntry,
  ledger: Ledger,
  timeoutSeconds: number,
): Promise<HumanAction> {
  const heard = (a: HumanAction) => void entry.heard.push(a.status);
  const args = { amount: "2500.00", to: "ACME", ref: entry.id };
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await agent.handler.requestAction({
        id: entry.id,
        title: `Approve transfer ${entry.id}`,
        description: "Agent requests a $2500.00 transfer",
        agentId: agent.agentId,
        action: { name: "transfer_funds", args, argsSchema: ARGS_SCHEMA },
        timeoutSeconds,
        callbacks: [heard],
      });
    } catch (error) {
      // The handler's own deadline passed while the filing was in flight (a loaded machine):
      // it timed the action out locally (fail closed) and the inbox refused the late request.
      const settled = agent.handler.getAction(entry.id);
      if (settled?.isFinal) {
        entry.refusedLate = true;
        return settled;
      }
      if (!(error instanceof ChannelDeliveryError) || attempt >= 30) throw error;
      ledger.figures.retriesOfFiling += 1;
      await sleep(300);
      // The request may have been stored before the connection failed: pick it up if so
      // (a new request with the same id would differ in created_at and be refused).
      try {
        return await agent.handler.resume(entry.id, { callbacks: [heard] });
      } catch (resumeError) {
        if (!isSafeguardsError(resumeError, ErrorCode.NOT_FOUND)) await sleep(300);
      }
    }
  }
}

/** Cancels `action` through the agent, retrying while the inbox cannot be reached. */
export async function cancelAction(agent: SoakAgent, action: HumanAction): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await agent.handler.cancelAction(action);
      return;
    } catch (error) {
      if (action.isFinal) return; // a decision won first: AlreadyDecidedError
      if (attempt >= 30) throw error;
      await sleep(300);
    }
  }
}

/** Waits for the final state, then "runs the tool" when (and only when) it may. */
export async function awaitAndExecute(
  agent: SoakAgent,
  action: HumanAction,
  entry: LedgerEntry,
): Promise<void> {
  const status = await agent.handler.waitForAction(action);
  entry.waited = status;
  if (status === ActionStatus.APPROVED || status === ActionStatus.MODIFIED) {
    const values = action.approvedValues;
    if (!values) throw new Error(`${entry.id}: ${status} without approved values`);
    entry.executions.push(values);
  }
}

export type { Fate };
