/**
 * @module test/reliability/ledger
 * What the test saw, per action (the fate it drew, the states its agent heard, the times it
 * was executed, the reviewer's answers) and the run's figures, printed at the end.
 */
import type { JsonObject } from "@safeguards/core";

/** How an action is meant to end (its actual end may differ when a race is thrown in). */
export const FATES = ["approve", "modify", "reject", "cancel", "expire"] as const;
/** One of {@link FATES}. */
export type Fate = (typeof FATES)[number];

/** What the test saw of one action. */
export interface LedgerEntry {
  id: string;
  agentId: string;
  fate: Fate;
  /** Statuses heard through the handler's callbacks (must be exactly [final]). */
  heard: string[];
  /** What `waitForAction` resolved with. */
  waited?: string;
  /** Arguments the agent ran the tool with (only approved/modified, exactly once). */
  executions: JsonObject[];
  /** The handler timed the action out while its filing was in flight; the inbox refused it. */
  refusedLate?: boolean;
  /** 200 answers to reviewer decisions (at most one may win). */
  decisionWins: number;
  /** 409 answers to reviewer decisions (a duplicate or a race that lost). */
  decisionRefusals: number;
  /** Four-eyes actions: 200 answers that counted one approval and left it pending. */
  approvalsCounted: number;
  /** Filed with `required_approvals` and escalation (quorum-soak.ts). */
  quorum?: boolean;
}

/** Counters reported at the end of a run. */
export interface Figures {
  actions: number;
  decisionsSent: number;
  decisionsWon: number;
  duplicateDecisions: number;
  racingDecisions: number;
  cancels: number;
  retriesOfFiling: number;
  /** Filings that outlived their own deadline and were refused (never stored, never run). */
  refusedLate: number;
  faults: Record<string, number>;
  executions: number;
  losses: number;
  decidedTwice: number;
  unapprovedExecutions: number;
  /** Four-eyes actions filed, and approvals by a reviewer an escalation step added. */
  quorumActions: number;
  escalatedApprovals: number;
  /** Approved or modified actions with fewer distinct approvers than they required. */
  underApproved: number;
}

/** The ledger of one run. */
export class Ledger {
  readonly entries = new Map<string, LedgerEntry>();
  readonly figures: Figures = {
    actions: 0,
    decisionsSent: 0,
    decisionsWon: 0,
    duplicateDecisions: 0,
    racingDecisions: 0,
    cancels: 0,
    retriesOfFiling: 0,
    refusedLate: 0,
    faults: {},
    executions: 0,
    losses: 0,
    decidedTwice: 0,
    unapprovedExecutions: 0,
    quorumActions: 0,
    escalatedApprovals: 0,
    underApproved: 0,
  };

  /** Starts the entry of a new action. */
  open(id: string, agentId: string, fate: Fate): LedgerEntry {
    const entry: LedgerEntry = {
      id,
      agentId,
      fate,
      heard: [],
      executions: [],
      decisionWins: 0,
      decisionRefusals: 0,
      approvalsCounted: 0,
    };
    this.entries.set(id, entry);
    this.figures.actions += 1;
    return entry;
  }

  /** Counts one injected fault of `kind`. */
  fault(kind: string): void {
    this.figures.faults[kind] = (this.figures.faults[kind] ?? 0) + 1;
  }

  /** Prints the figures (the suite's report). */
  report(title: string, extra: Record<string, unknown> = {}): void {
    const byFate: Record<string, number> = {};
    for (const e of this.entries.values()) byFate[e.fate] = (byFate[e.fate] ?? 0) + 1;
    const lines = [
      `\n=== ${title} ===`,
      ...Object.entries({ ...this.figures, fates: byFate, ...extra }).map(
        ([k, v]) => `  ${k.padEnd(22)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`,
      ),
    ];
    console.log(lines.join("\n"));
  }
}
