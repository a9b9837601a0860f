/**
 * @module test/e2e-helpers
 * The guide's Complete Example as the agent side of the end-to-end tests: a financial
 * agent, the FinancialServicesSafeguard, and a HumanActionHandler over a real
 * HumanInTheLoopChannel talking HTTP to a real inbox.
 */
import {
  ActionStatus,
  Agent,
  type Clock,
  FinancialServicesSafeguard,
  type HumanAction,
  HumanActionHandler,
  HumanInTheLoopChannel,
  type HumanInTheLoopChannelOptions,
} from "@safeguards/core";
import { deferCleanup, startTestInbox } from "@safeguards/test-support";
import type { InboxOptions } from "../src/index.js";
import { AGENT, AGENT_KEY, call, REVIEWER_TOKEN } from "./helpers.js";

/** The guide's financial agent: returns what it ran with. */
export class FinancialAgent extends Agent {
  runs: Record<string, unknown>[] = [];
  run(args: Record<string, unknown>) {
    this.runs.push(args);
    return { success: true, ...args };
  }
}

export const TRANSACTION = {
  action_type: "transaction",
  amount: "2500.00",
  description: "Large investment purchase",
};

const ARGS_SCHEMA = {
  type: "object",
  properties: {
    action_type: { type: "string" },
    amount: { type: "string", pattern: "^[0-9]+\\.[0-9]{2}$" },
    description: { type: "string" },
  },
  required: ["action_type", "amount", "description"],
  additionalProperties: false,
};

/** A channel initialised against `url` with the financial agent's key. */
export async function agentChannel(
  url: string,
  config: Record<string, unknown> = {},
  options: HumanInTheLoopChannelOptions = {},
): Promise<HumanInTheLoopChannel> {
  const channel = new HumanInTheLoopChannel(options);
  await channel.initialize({ webhookUrl: url, apiKey: AGENT_KEY, pollInterval: 0.2, ...config });
  return channel;
}

/** Validates the transaction and, when flagged, files it (the guide's Complete Example). */
export async function fileTransaction(
  handler: HumanActionHandler,
  timeoutSeconds?: number,
): Promise<HumanAction> {
  const agent = new FinancialAgent(AGENT);
  const safeguard = new FinancialServicesSafeguard();
  safeguard.initialize({
    restrictedActions: ["high_risk_investment"],
    transactionLimits: { [agent.id]: "1000.00" },
  });
  safeguard.monitorAgent(agent.id);
  const alerts = safeguard.validateAgentAction(agent, {
    actionType: "transaction",
    amount: TRANSACTION.amount,
  });
  if (alerts.length === 0) throw new Error("the guide's transaction must be flagged");
  return handler.requestAction({
    title: "Approve High-Value Transaction",
    description: `Transaction of $${TRANSACTION.amount} requires approval`,
    agentId: agent.id,
    metadata: TRANSACTION,
    action: { name: "transaction", args: TRANSACTION, argsSchema: ARGS_SCHEMA },
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
  });
}

/** Waits, then runs the agent as the guide does; answers what ran. */
export async function finish(handler: HumanActionHandler, action: HumanAction) {
  const agent = new FinancialAgent(AGENT);
  const status = await handler.waitForAction(action);
  if (status === ActionStatus.APPROVED || status === ActionStatus.MODIFIED) {
    agent.run(action.approvedValues ?? {});
  }
  return { status, ran: agent.runs };
}

/** A reviewer's decision over HTTP with a reviewer token. */
export async function review(url: string, id: string, body: unknown, token = REVIEWER_TOKEN) {
  const res = await call(url, `/actions/${encodeURIComponent(id)}/decision`, { token, body });
  if (res.status !== 200)
    throw new Error(`decision refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * An agent against an inbox, per test: a test inbox, an {@link agentChannel} on it and a
 * handler (with `clock`), shut down after each test (handler, channel, then inbox).
 */
export function agentPerTest() {
  const defer = deferCleanup();
  return async (
    options: {
      inbox?: Partial<InboxOptions>;
      channel?: Record<string, unknown>;
      clock?: Clock;
    } = {},
  ) => {
    const { inbox, url } = await startTestInbox(options.inbox);
    defer(() => inbox.close());
    const channel = await agentChannel(url, options.channel);
    defer(() => channel.shutdown());
    const handler = new HumanActionHandler(channel, options.clock ? { clock: options.clock } : {});
    defer(() => handler.shutdown());
    return { inbox, url, channel, handler };
  };
}
