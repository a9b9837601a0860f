/**
 * @module main
 * Four eyes, end to end and non-interactive (`pnpm examples` runs it): the approval inbox
 * (memory store) with reviewer accounts in groups, and the payments agent filing through a
 * `HumanInTheLoopChannel`. Four payments, each outcome checked; exits non-zero on a surprise.
 *
 * The inbox runs on a manual clock, so "a minute of silence" before the CFO is added takes no
 * real time: the example moves the inbox's clock on and runs its escalation sweep.
 */
import {
  createManualClock,
  type HumanAction,
  HumanActionHandler,
  HumanInTheLoopChannel,
} from "@safeguards/core";
import { createInbox } from "@safeguards/server";
import { type Payment, type PaymentOutcome, pay } from "./payments.js";
import { ACCOUNTS, type Answer, assigneesNow, decideAs } from "./reviewers.js";

const inboxClock = createManualClock(Date.now());
const inbox = createInbox({
  store: "memory",
  clock: inboxClock,
  apiKeys: { "agent-key-payments": "payments" },
  reviewers: { accounts: ACCOUNTS, secret: "four-eyes-example-secret-0123456789" },
});
const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
const channel = new HumanInTheLoopChannel();
await channel.initialize({ webhookUrl: url, apiKey: "agent-key-payments", pollInterval: 0.2 });
const handler = new HumanActionHandler(channel);

const log = (line: string) => console.log(line);
let surprises = 0;
function expectThat(ok: boolean, what: string): void {
  log(`${ok ? "OK" : "UNEXPECTED"}: ${what}`);
  if (!ok) surprises++;
}

/** One reviewer's decision, printed and checked against the inbox's expected answer. */
async function decide(
  reviewer: string,
  action: HumanAction,
  type: "approve" | "reject",
  expected: string,
): Promise<Answer> {
  const answer = await decideAs(url, reviewer, action.id, {
    type,
    comments: `${reviewer} says ${type}`,
  });
  log(
    `  ${reviewer} (${ACCOUNTS.find((a) => a.name === reviewer)?.groups.join(", ")}) ${type}s -> ${answer.status} ${answer.what}`,
  );
  expectThat(answer.what === expected, `${reviewer}'s ${type} is answered ${expected}`);
  return answer;
}

/** Files `payment`, lets `review` decide it, and checks the outcome. */
async function scenario(
  name: string,
  payment: Payment,
  review: (action: HumanAction) => Promise<void>,
  expected: { status: PaymentOutcome["status"]; approvedBy: string[] },
): Promise<void> {
  log(`\n=== ${name}: pay ${payment.amount} to ${payment.to} ===`);
  let reviewing: Promise<void> = Promise.resolve();
  const outcome = await pay(handler, payment, (action) => {
    log(
      `  filed ${action.id}: needs ${action.requiredApprovals} approvals of ${action.assignees?.join(", ")}`,
    );
    reviewing = review(action);
  });
  await reviewing;
  log(
    `  outcome: ${outcome.status}; paid: ${outcome.paid ? outcome.paid.amount : "nothing"}; approved by: ${outcome.approvedBy.join(", ") || "nobody"}`,
  );
  expectThat(
    outcome.status === expected.status &&
      outcome.approvedBy.join() === expected.approvedBy.join() &&
      (outcome.paid !== null) ===
        (expected.status === "approved" || expected.status === "not needed"),
    `${name} ends ${expected.status}${expected.approvedBy.length ? `, approved by ${expected.approvedBy.join(" and ")}` : ""}`,
  );
}

try {
  await scenario("Small payment", { amount: "500.00", to: "Stationery Ltd" }, async () => {}, {
    status: "not needed",
    approvedBy: [],
  });

  await scenario(
    "Four eyes",
    { amount: "60000.00", to: "ACME Corp" },
    async (action) => {
      await decide("alice", action, "approve", "pending"); // 1 of 2
      await decide("alice", action, "approve", "already_approved"); // counts once
      await decide("dave", action, "approve", "forbidden"); // sales is not assigned
      await decide("bob", action, "approve", "approved"); // 2 of 2: settles it
    },
    { status: "approved", approvedBy: ["alice", "bob"] },
  );

  await scenario(
    "Escalation to the CFO",
    { amount: "75000.00", to: "Globex" },
    async (action) => {
      await decide("alice", action, "approve", "pending");
      await decide("carol", action, "approve", "forbidden"); // not escalated yet
      log("  ... nobody else answers for a minute (the inbox's clock moves on 60 s) ...");
      inboxClock.advance(action.requestedAt.getTime() + 60_000 - inboxClock.now());
      await inbox.sweepExpired(); // the sweeper applies due escalation steps
      const now = await assigneesNow(url, "alice", action.id);
      log(`  escalated: assignees are now ${now.join(", ")}`);
      expectThat(now.includes("group:cfo"), "the CFO was added to the assignees");
      await decide("carol", action, "approve", "approved"); // the CFO is an assignee now
    },
    { status: "approved", approvedBy: ["alice", "carol"] },
  );

  await scenario(
    "Veto",
    { amount: "90000.00", to: "Initech" },
    async (action) => {
      await decide("alice", action, "approve", "pending");
      await decide("bob", action, "reject", "rejected"); // one rejection settles it
    },
    { status: "rejected", approvedBy: ["alice"] },
  );
} finally {
  handler.shutdown();
  await channel.shutdown();
  await inbox.close();
}

log(
  surprises === 0
    ? "\nAll four payments behaved as the policy says."
    : `\n${surprises} surprise(s).`,
);
process.exitCode = surprises === 0 ? 0 : 1;
