/**
 * @module scenario
 * What every runtime is asked to do, and how the reviewer answers: the model calls four
 * tools in one step (a 500.00 transfer, two over the limit, the balance); the reviewer
 * approves the ACME transfer and rejects the unknown payee. Each runtime reports the same
 * {@link Outcome} shape, so the four can be compared.
 */
import type { ApprovalRequest, InProcessApprovalChannel } from "@safeguards/core";

/** One tool call of the model's step. */
export interface Call {
  id: string;
  name: "transfer_funds" | "get_balance";
  args: Record<string, string>;
}

/** The step every runtime's scripted model makes. */
export const CALLS: Call[] = [
  { id: "small", name: "transfer_funds", args: { amount: "500.00", to: "ACME" } },
  { id: "big", name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } },
  { id: "fraud", name: "transfer_funds", args: { amount: "9000.00", to: "Unknown LLC" } },
  { id: "balance", name: "get_balance", args: {} },
];

/** A reviewer's answer. */
export type Answer = { type: "approve" } | { type: "reject"; comments: string };

/** The reviewer: approves payees it knows, rejects the others. */
export function decide(call: { args: Record<string, unknown> }): Answer {
  return call.args.to === "ACME"
    ? { type: "approve" }
    : { type: "reject", comments: "payee not verified" };
}

/** What a runtime did with the step. */
export interface Outcome {
  /** The requests reviewers saw: tool, arguments and title (from the policy). */
  asked: Array<{ tool: string; args: Record<string, unknown>; title: string }>;
  /** What actually ran (tool and arguments), sorted. */
  ran: string[];
  /** The result the model saw for each call id. */
  results: Record<string, string>;
}

/** The runtime's tool body: records the run and answers like the bank would. */
export function bank(ran: string[]) {
  return {
    transfer: ({ amount, to }: { amount: string; to: string }) => {
      ran.push(`transfer_funds ${amount} ${to}`);
      return `Transferred ${amount} to ${to}`;
    },
    balance: () => {
      ran.push("get_balance");
      return "Balance: 5000.00";
    },
  };
}

/** Answers each request filed through `channel` with {@link decide}; records what was asked. */
export function inProcessReviewer(channel: InProcessApprovalChannel, asked: Outcome["asked"]) {
  channel.onRequest((request: ApprovalRequest) => {
    const args = request.action?.args ?? {};
    asked.push({ tool: request.action?.name ?? "", args, title: request.title });
    setImmediate(() => {
      const answer = decide({ args });
      if (answer.type === "approve") channel.approve(request.id, { reviewer: "alice" });
      else channel.reject(request.id, { reviewer: "alice", comments: answer.comments });
    });
  });
}

/** `outcome` with its lists sorted, for comparing runtimes. */
export function sorted(outcome: Outcome): Outcome {
  const asked = [...outcome.asked].sort((a, b) => a.title.localeCompare(b.title));
  return { ...outcome, asked, ran: [...outcome.ran].sort() };
}
