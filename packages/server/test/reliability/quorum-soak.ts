/**
 * @module test/reliability/quorum-soak
 * The soak's four-eyes actions: `required_approvals: 2`, assigned to alice, bob and carol,
 * escalated to dave after one second. Each fate is played by several reviewers over HTTP:
 * two approvals in turn, a duplicate approval by the same reviewer (409), two last approvals
 * racing (one settles, the other gets 409), dave approving only once the sweeper escalated
 * to him (403 before), a modification then an approval of the modified arguments, and a veto
 * after an approval. Filed over plain HTTP (the request fields of PROTOCOL.md), then tracked
 * by the agent's handler through `resume`, so the agent hears and runs it like any other.
 */
import { hashArgs } from "@safeguards/core";
import type { Fate, Ledger, LedgerEntry } from "./ledger.js";
import { pick, sleep } from "./reliability-env.js";
import { type DecisionBody, decideConcurrently } from "./reviewer.js";
import {
  ARGS_SCHEMA,
  SOAK_REVIEWERS,
  type SoakAgent,
  type SoakReviewer,
  soakReviewerName,
} from "./soak-agent.js";

/** Approvals a four-eyes action needs. */
export const QUORUM = 2;
/** Seconds after filing when the escalation step adds dave. */
export const ESCALATE_AFTER_SECONDS = 1;

/** The approval rules of a four-eyes request (PROTOCOL.md field names). */
export const QUORUM_FIELDS = {
  required_approvals: QUORUM,
  assignees: (["alice", "bob", "carol"] as const).map(soakReviewerName),
  escalation: [{ after_seconds: ESCALATE_AFTER_SECONDS, assignees: [soakReviewerName("dave")] }],
};

/** Files a four-eyes action for `entry` (retrying lost answers), then tracks it. */
export async function fileQuorumAction(
  agent: SoakAgent,
  entry: LedgerEntry,
  ledger: Ledger,
  timeoutSeconds: number,
): Promise<void> {
  const args = { amount: "2500.00", to: "ACME", ref: entry.id };
  const now = Date.now();
  const body = {
    id: entry.id,
    title: `Approve transfer ${entry.id} (four eyes)`,
    description: "Agent requests a $2500.00 transfer; two of alice, bob, carol must approve",
    severity: "WARNING",
    agent_id: agent.agentId,
    metadata: {},
    action: { name: "transfer_funds", args, args_schema: ARGS_SCHEMA },
    args_hash: hashArgs(args),
    allowed_decisions: ["approve", "modify", "reject"],
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + timeoutSeconds * 1000).toISOString(),
    ...QUORUM_FIELDS,
  };
  for (let attempt = 0; ; attempt += 1) {
    let status = 0;
    let text = "";
    try {
      const res = await fetch(`${agent.webhookUrl}/request-approval`, {
        method: "POST",
        headers: { authorization: `Bearer ${agent.key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      text = String(error);
    }
    if (status === 200 || status === 201) break;
    if (status >= 400 && status < 500 && Date.now() >= Date.parse(body.expires_at)) {
      // Its deadline passed before any attempt was stored: refused, never run.
      entry.refusedLate = true;
      entry.waited = "timed_out";
      return;
    }
    if ((status >= 400 && status < 500) || attempt >= 30)
      throw new Error(`filing ${entry.id} failed: ${status} ${text.slice(0, 300)}`);
    ledger.figures.retriesOfFiling += 1;
    await sleep(300);
  }
  await agent.handler.resume(entry.id, {
    callbacks: [(a) => void entry.heard.push(a.status)],
  });
}

const approve = (who: SoakReviewer): DecisionBody => ({ type: "approve", comments: `ok (${who})` });

/**
 * Plays a decision fate on a four-eyes action: each step is one or more reviewers deciding
 * at once (on either instance); a reviewer not yet assigned (dave) retries its 403 until the
 * escalation reached it.
 */
export async function decideQuorum(
  entry: LedgerEntry,
  fate: Extract<Fate, "approve" | "modify" | "reject">,
  o: { random: () => number; ledger: Ledger; urls: () => string[] },
): Promise<void> {
  const step = (decisions: Array<[SoakReviewer, DecisionBody]>) => {
    o.ledger.figures.decisionsSent += decisions.length;
    return Promise.all(
      decisions.map(([who, body], i) =>
        decideConcurrently(o.urls, SOAK_REVIEWERS[who], entry, [
          {
            body,
            prefer: (i + Math.floor(o.random() * 2)) % 2,
            waitForAssignment: !QUORUM_FIELDS.assignees.includes(who),
          },
        ]),
      ),
    );
  };
  const roll = o.random();
  if (fate === "modify") {
    await step([["alice", { type: "modify", response_data: { amount: "1800.00" } }]]);
    const second = pick(o.random, ["bob", "carol"] as const);
    await step([[second, approve(second)]]);
  } else if (fate === "reject") {
    await step([["alice", approve("alice")]]);
    await step([["bob", { type: "reject", comments: "veto" }]]);
  } else if (roll < 0.2) {
    o.ledger.figures.duplicateDecisions += 1;
    await step([
      ["alice", approve("alice")],
      ["alice", approve("alice")],
    ]);
    await step([["bob", approve("bob")]]);
  } else if (roll < 0.4) {
    o.ledger.figures.racingDecisions += 1;
    await step([["alice", approve("alice")]]);
    await step([
      ["bob", approve("bob")],
      ["carol", approve("carol")],
    ]);
  } else if (roll < 0.6) {
    o.ledger.figures.escalatedApprovals += 1;
    await step([["alice", approve("alice")]]);
    await step([["dave", approve("dave")]]); // 403 until escalated, then it settles
  } else {
    await step([["alice", approve("alice")]]);
    await step([["bob", approve("bob")]]);
  }
}
