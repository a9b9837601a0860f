/**
 * @module test/reliability/soak-driver
 * Drives N actions through many concurrent agents: each action draws a fate (approve,
 * modify, reject, cancel, expire); decisions go to a random instance, sometimes twice at
 * once (duplicate) or racing a different decision or a cancel.
 */
import { FATES, type Fate, type Ledger, type LedgerEntry } from "./ledger.js";
import { decideQuorum, fileQuorumAction } from "./quorum-soak.js";
import { pick, sleep } from "./reliability-env.js";
import { type DecisionBody, decideConcurrently, type SendOptions } from "./reviewer.js";
import type { ReviewerPaths } from "./reviewer-paths.js";
import {
  awaitAndExecute,
  cancelAction,
  fileAction,
  SOAK_REVIEWER_TOKEN,
  type SoakAgent,
} from "./soak-agent.js";

/** Options of {@link runSoak}. */
export interface SoakOptions {
  actions: number;
  agents: SoakAgent[];
  /** Actions in flight at once. */
  concurrency: number;
  random: () => number;
  ledger: Ledger;
  /** The `/api` URLs of the live inbox instances (read at each reviewer request). */
  reviewerUrls: () => string[];
  /** Lifetime of actions left to expire (seconds). */
  expireSeconds: number;
  /** Prefix of action ids. */
  idPrefix: string;
  /**
   * Share of actions filed as four-eyes actions with escalation (quorum-soak.ts); their
   * reviewers' tokens must be known to the inbox (`soakReviewerTokens`). @default 0
   */
  quorumRate?: number;
  /** Called after each finished action with the number finished (fault injection). */
  onProgress?: (done: number) => void;
  /** Decides through web sessions, email links, Slack and the API (default: the API only). */
  reviewer?: ReviewerPaths;
}

const bodyFor = (fate: "approve" | "modify" | "reject"): DecisionBody =>
  fate === "modify"
    ? { type: "modify", response_data: { amount: "1800.00" }, comments: "reduced" }
    : fate === "approve"
      ? { type: "approve", comments: "ok" }
      : { type: "reject", comments: "too risky" };

/** Runs the soak; resolves when every action reached its final state at its agent. */
export async function runSoak(o: SoakOptions): Promise<void> {
  let next = 0;
  let done = 0;
  const decide = (entry: LedgerEntry, bodies: { body: DecisionBody; prefer: number }[]) => {
    o.ledger.figures.decisionsSent += bodies.length;
    const { reviewer } = o;
    const send =
      // Four-eyes actions are decided by their assignees' own tokens (quorum-soak.ts, and
      // SOAK_REVIEWER_TOKEN, soak_alice, for the other fates), not by the paths' accounts.
      reviewer && !entry.quorum
        ? (body: DecisionBody, options: SendOptions) =>
            reviewer.send(entry, body, options.prefer ?? 0)
        : undefined;
    return decideConcurrently(o.reviewerUrls, SOAK_REVIEWER_TOKEN, entry, bodies, send);
  };
  const runOne = async (i: number) => {
    const agent = pick(o.random, o.agents);
    const fate: Fate = pick(o.random, FATES);
    const entry = o.ledger.open(`${o.idPrefix}_${i}`, agent.agentId, fate);
    const timeout = fate === "expire" ? o.expireSeconds : 600;
    entry.quorum = (o.quorumRate ?? 0) > 0 && o.random() < (o.quorumRate ?? 0);
    if (entry.quorum) {
      o.ledger.figures.quorumActions += 1;
      await fileQuorumAction(agent, entry, o.ledger, timeout);
    }
    const action = entry.quorum
      ? agent.handler.getAction(entry.id)
      : await fileAction(agent, entry, o.ledger, timeout);
    if (!action) return; // a four-eyes filing refused late: never stored, never run
    const finished = awaitAndExecute(agent, action, entry);
    await sleep(Math.floor(o.random() * 30));
    const roll = o.random();
    const side = o.random() < 0.5 ? 0 : 1;
    if (entry.quorum && (fate === "approve" || fate === "modify" || fate === "reject")) {
      await decideQuorum(entry, fate, { random: o.random, ledger: o.ledger, urls: o.reviewerUrls });
    } else if (fate === "approve" || fate === "modify" || fate === "reject") {
      const body = bodyFor(fate);
      if (roll < 0.15) {
        o.ledger.figures.duplicateDecisions += 1;
        await decide(entry, [
          { body, prefer: 0 },
          { body, prefer: 1 },
        ]);
      } else if (roll < 0.22) {
        o.ledger.figures.racingDecisions += 1;
        const other = pick(
          o.random,
          (["approve", "modify", "reject"] as const).filter((f) => f !== fate),
        );
        await decide(entry, [
          { body, prefer: side },
          { body: bodyFor(other), prefer: 1 - side },
        ]);
      } else {
        await decide(entry, [{ body, prefer: side }]);
      }
    } else if (fate === "cancel") {
      o.ledger.figures.cancels += 1;
      if (roll < 0.15) {
        o.ledger.figures.racingDecisions += 1;
        await Promise.all([
          cancelAction(agent, action),
          decide(entry, [{ body: bodyFor("approve"), prefer: side }]),
        ]);
      } else {
        await cancelAction(agent, action);
      }
    }
    await finished;
  };
  const worker = async (k: number) => {
    await sleep(k * 25); // ramp up instead of one burst of cold requests
    for (;;) {
      const i = next++;
      if (i >= o.actions) return;
      await runOne(i);
      done += 1;
      o.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, k) => worker(k)));
}
