/**
 * Soak: many concurrent agents (each a HumanActionHandler + HumanInTheLoopChannel with its
 * own API key) file SAFEGUARDS_SOAK_ACTIONS actions against two inbox instances sharing one
 * PostgreSQL database; decisions go to either instance (duplicates and races included),
 * filings are retried after lost answers. Both instances have the reviewer side on (accounts
 * file, email, Slack: reviewer-side.ts) and reviewers decide by API, web session, email link
 * and Slack click. 30% are four-eyes actions (two of alice, bob and carol must approve; dave
 * is added by escalation after a second), played by several reviewers with duplicate and
 * racing approvals. Then the database is checked: one terminal state per action, heard once
 * by its agent, one terminal audit entry, nothing pending, only approved/modified actions
 * executed, once, and never with fewer distinct approvers than required.
 */

import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../../src/index.js";
import { checkInvariants, waitUntilNothingPending } from "./invariants.js";
import { Ledger } from "./ledger.js";
import { type LossyFront, startLossyFront } from "./net-faults.js";
import { SEED, SOAK_ACTIONS, seededRandom, sleep } from "./reliability-env.js";
import { REVIEWER_PATHS } from "./reviewer-paths.js";
import { type ReviewerSide, startReviewerSide } from "./reviewer-side.js";
import {
  SOAK_SECRET,
  type SoakAgent,
  soakApiKeys,
  soakReviewerTokens,
  startSoakAgent,
} from "./soak-agent.js";
import { runSoak } from "./soak-driver.js";

const AGENTS = 8;
const CONCURRENCY = 64;
/** Share of four-eyes actions (required_approvals 2, escalation after 1 s). */
const QUORUM_RATE = 0.3;

describe.runIf(PG_TEST_URL)("soak on two inbox instances sharing PostgreSQL", () => {
  let db: TestDatabase | undefined;
  const inboxes: Inbox[] = [];
  const fronts: LossyFront[] = [];
  const agents: SoakAgent[] = [];
  const inboxErrors: unknown[] = [];
  let reviewer: ReviewerSide | undefined;
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(fronts.map((f) => f.close()));
    await Promise.all(inboxes.map((i) => i.close()));
    await reviewer?.close();
    await db?.drop();
  });

  it(`${SOAK_ACTIONS} actions: one terminal state each, heard once, audited once, nothing pending`, async () => {
    db = await createTestDatabase();
    const random = seededRandom(SEED);
    const ledger = new Ledger();
    const urls: string[] = [];
    reviewer = await startReviewerSide(() => urls, db.url, random);
    for (let i = 0; i < 2; i += 1) {
      inboxes.push(
        createInbox({
          store: db.url,
          apiKeys: soakApiKeys(AGENTS),
          reviewerTokens: soakReviewerTokens(),
          signingSecret: SOAK_SECRET,
          reviewers: reviewer.channels.inboxReviewers(),
          onWarning: () => {}, // the test accounts use bcrypt cost 4
          onError: (e) => inboxErrors.push(e),
        }),
      );
    }
    urls.push(...(await Promise.all(inboxes.map((i) => i.listen({ port: 0 }).then((l) => l.url)))));
    await reviewer.paths.signIn(2); // one web session made on each instance, used on both
    for (const url of urls) {
      fronts.push(await startLossyFront({ target: url, random, loseRate: 0.03 }));
    }
    for (let i = 0; i < AGENTS; i += 1) {
      agents.push(await startSoakAgent({ index: i, webhookUrl: fronts[i % 2]!.url }));
    }
    const started = performance.now();
    await runSoak({
      actions: SOAK_ACTIONS,
      agents,
      concurrency: CONCURRENCY,
      random,
      ledger,
      reviewerUrls: () => urls,
      expireSeconds: 3,
      idPrefix: `soak_${SEED}`,
      quorumRate: QUORUM_RATE,
      reviewer: reviewer.paths,
    });
    const seconds = (performance.now() - started) / 1000;
    await sleep(200); // let late duplicate deliveries arrive: they must change nothing
    expect(agents.map((a) => a.handler.pendingCount)).toEqual(agents.map(() => 0));
    await waitUntilNothingPending(db.url, 45_000);
    const verdict = await checkInvariants(db.url, ledger, { exactlyOneReviewerWin: true });
    const channels = await reviewer.check({
      repairStale: false,
      skip: (id) => ledger.entries.get(id)?.quorum === true,
    });
    ledger.fault("lost filing answers (client retried)");
    ledger.figures.faults["lost filing answers (client retried)"] = fronts.reduce(
      (n, f) => n + f.lost,
      0,
    );
    ledger.report("reliability soak (2 instances, PostgreSQL)", {
      seed: SEED,
      agents: AGENTS,
      concurrency: CONCURRENCY,
      seconds: seconds.toFixed(1),
      actionsPerSecond: (SOAK_ACTIONS / seconds).toFixed(0),
      finalStates: verdict.byStatus,
      auditEntries: verdict.auditEntries,
      problems: verdict.problems.length,
      ...channels.figures,
      channelProblems: channels.problems.length,
    });
    expect(verdict.problems.slice(0, 20)).toEqual([]);
    expect(channels.problems.slice(0, 20)).toEqual([]);
    for (const path of REVIEWER_PATHS) expect(reviewer.paths.sent[path]).toBeGreaterThan(0);
    expect(ledger.figures.losses).toBe(0);
    expect(ledger.figures.decidedTwice).toBe(0);
    expect(ledger.figures.unapprovedExecutions).toBe(0);
    expect(ledger.figures.underApproved).toBe(0);
    // four-eyes actions were mixed in, and some were settled by a reviewer escalated to
    expect(ledger.figures.quorumActions).toBeGreaterThan(0);
    expect(ledger.figures.escalatedApprovals).toBeGreaterThan(0);
    expect(agents.flatMap((a) => a.errors)).toEqual([]);
    expect(inboxErrors).toEqual([]);
    // every fate happened, so each path was exercised
    for (const status of ["approved", "modified", "rejected", "cancelled", "timed_out"]) {
      expect(verdict.byStatus[status] ?? 0).toBeGreaterThan(0);
    }
  });
});
