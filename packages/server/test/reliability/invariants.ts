/**
 * @module test/reliability/invariants
 * The end-of-run checks, against the database itself: every action has exactly one
 * terminal state, the agent heard exactly that state once, the audit log holds exactly one
 * creation and one terminal transition per action (to that state), nothing is pending, and
 * only approved or modified actions were executed, exactly once, with the approved values.
 * Four-eyes actions also: one audit entry per counted approval and per escalation step (each
 * step applied once), and never approved with fewer distinct approvers than required.
 */
import { canonicalJson, type JsonObject } from "@safeguards/core";
import pg from "pg";
import type { Ledger } from "./ledger.js";

interface Row {
  id: string;
  status: string;
  record: string;
  decision_seq: string | null;
}

interface AuditRow {
  action_id: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  event: string | null;
}

/** Problems found (empty when every invariant holds) and counts by final state. */
export interface Verdict {
  problems: string[];
  byStatus: Record<string, number>;
  auditEntries: number;
  /** Local timeouts the agents reported (`agent_timeout` audit entries). */
  agentTimeouts: number;
}

/** Checks the ledger against the database at `url`. */
export async function checkInvariants(
  url: string,
  ledger: Ledger,
  options: { exactlyOneReviewerWin: boolean },
): Promise<Verdict> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let rows: Row[];
  let audit: AuditRow[];
  try {
    rows = (await client.query<Row>("SELECT id, status, record, decision_seq FROM actions")).rows;
    audit = (
      await client.query<AuditRow>(
        "SELECT action_id, from_status, to_status, actor, event FROM audit_log ORDER BY seq",
      )
    ).rows;
  } finally {
    await client.end();
  }
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  const audits = new Map<string, AuditRow[]>();
  for (const a of audit) audits.set(a.action_id, [...(audits.get(a.action_id) ?? []), a]);
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.id);
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    const entry = ledger.entries.get(row.id);
    if (!entry) {
      problems.push(`${row.id}: in the database but never filed by the test`);
      continue;
    }
    const say = (what: string) =>
      problems.push(`${row.id} (${entry.fate}, ${row.status}): ${what}`);
    if (row.status === "pending" || row.decision_seq === null) say("still pending");
    const trail = audits.get(row.id) ?? [];
    const created = trail.filter((a) => a.from_status === null && a.to_status === "pending");
    const terminal = trail.filter((a) => a.from_status === "pending" && a.to_status !== "pending");
    // Four-eyes actions: each counted approval and each escalation step is a pending ->
    // pending entry (reviewer:<name> or system:escalation).
    const interim = trail.filter((a) => a.from_status === "pending" && a.to_status === "pending");
    if (created.length !== 1) say(`${created.length} creation entries in the audit log`);
    if (terminal.length !== 1) {
      say(`${terminal.length} terminal transitions in the audit log (decided twice?)`);
      if (terminal.length > 1) ledger.figures.decidedTwice += 1;
    } else if (terminal[0]?.to_status !== row.status) {
      say(`audit log says ${terminal[0]?.to_status}`);
    }
    // An agent that timed out locally (the inbox unreachable at its deadline) reports it once.
    const reports = trail.filter((a) => a.event === "agent_timeout");
    if (reports.length > 1) say(`${reports.length} agent_timeout entries`);
    if (reports.length > 0 && entry.waited !== "timed_out") {
      say(`agent_timeout reported but the agent's wait resolved with ${entry.waited}`);
    }
    if (trail.length !== created.length + terminal.length + interim.length + reports.length) {
      say("unexpected audit entries");
    }
    checkQuorum(row, entry, interim, say, ledger, options.exactlyOneReviewerWin);
    if (entry.waited !== row.status) say(`the agent's wait resolved with ${entry.waited}`);
    if (entry.heard.length !== 1 || entry.heard[0] !== row.status) {
      say(`the agent heard [${entry.heard.join(", ")}]`);
      if (entry.heard.length === 0) ledger.figures.losses += 1;
    }
    if (entry.decisionWins > 1) {
      say(`${entry.decisionWins} reviewer decisions answered 200`);
      ledger.figures.decidedTwice += 1;
    }
    const reviewerDecided = terminal[0]?.actor.startsWith("reviewer:") === true;
    if (options.exactlyOneReviewerWin && reviewerDecided !== (entry.decisionWins === 1)) {
      say(`reviewer wins ${entry.decisionWins} but the audit actor is ${terminal[0]?.actor}`);
    }
    checkExecutions(row, entry.executions, say, ledger);
  }
  for (const [id, entry] of ledger.entries) {
    if (!seen.has(id) && entry.refusedLate) {
      ledger.figures.refusedLate += 1;
      if (entry.waited !== "timed_out" || entry.executions.length > 0) {
        problems.push(`${id}: refused late but the agent saw ${entry.waited}`);
      }
    } else if (!seen.has(id)) {
      problems.push(`${id}: filed by the test but missing from the database (lost)`);
      ledger.figures.losses += 1;
    }
  }
  ledger.figures.decisionsWon = [...ledger.entries.values()].reduce(
    (n, e) => n + e.decisionWins,
    0,
  );
  ledger.figures.executions = [...ledger.entries.values()].reduce(
    (n, e) => n + e.executions.length,
    0,
  );
  const agentTimeouts = audit.filter((a) => a.event === "agent_timeout").length;
  return { problems, byStatus, auditEntries: audit.length, agentTimeouts };
}

/**
 * A four-eyes action: its escalation steps were applied once each, every counted approval
 * has its audit entry, and an approved or modified action had as many distinct approvers
 * (`decision.approvals`) as it required. Plain actions have no interim entries.
 */
function checkQuorum(
  row: Row,
  entry: { quorum?: boolean; approvalsCounted: number },
  interim: AuditRow[],
  say: (what: string) => void,
  ledger: Ledger,
  countsKnown: boolean,
): void {
  const record = JSON.parse(row.record) as {
    required_approvals?: number;
    escalations?: { step: number }[];
    decision: { approvals?: { reviewer: string }[] } | null;
  };
  const required = record.required_approvals ?? 1;
  if (!entry.quorum && (interim.length > 0 || required !== 1))
    say("a plain action has quorum entries");
  const escalated = interim.filter((a) => a.actor === "system:escalation").length;
  const steps = record.escalations ?? [];
  if (escalated !== steps.length || new Set(steps.map((s) => s.step)).size !== steps.length)
    say(`${escalated} escalation audit entries for steps [${steps.map((s) => s.step)}]`);
  const approvals = interim.filter((a) => a.actor.startsWith("reviewer:")).length;
  if (countsKnown && approvals !== entry.approvalsCounted)
    say(`${approvals} approval audit entries, ${entry.approvalsCounted} approvals answered 200`);
  if (row.status !== "approved" && row.status !== "modified") return;
  const approvers = new Set((record.decision?.approvals ?? []).map((a) => a.reviewer));
  if (approvers.size < required) {
    say(`${row.status} with ${approvers.size} distinct approver(s), ${required} required`);
    ledger.figures.underApproved += 1;
  }
}

function checkExecutions(
  row: Row,
  executions: readonly Record<string, unknown>[],
  say: (what: string) => void,
  ledger: Ledger,
): void {
  const record = JSON.parse(row.record) as {
    action: { args: Record<string, unknown> } | null;
    decision: { response_data: Record<string, unknown> | null } | null;
  };
  const runs = row.status === "approved" || row.status === "modified";
  if (!runs) {
    if (executions.length > 0) {
      say(`executed ${executions.length} time(s) without approval`);
      ledger.figures.unapprovedExecutions += executions.length;
    }
    return;
  }
  if (executions.length !== 1) say(`executed ${executions.length} times`);
  const expected = {
    ...record.action?.args,
    ...(row.status === "modified" ? record.decision?.response_data : {}),
  };
  if (executions[0] && canonicalJson(executions[0]) !== canonicalJson(expected as JsonObject)) {
    say(`executed with ${JSON.stringify(executions[0])}, approved ${JSON.stringify(expected)}`);
  }
}

/**
 * Waits (up to `ms`) until no action is pending in the database: expiry is the inbox's job,
 * and an action filed on an instance that was killed is timed out by the others' sweepers
 * (at the latest `expirySweepMs` later) or when someone reads it.
 */
export async function waitUntilNothingPending(url: string, ms: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const end = Date.now() + ms;
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM actions WHERE status = 'pending'",
      );
      const pending = Number(rows[0]?.n ?? 0);
      if (pending === 0 || Date.now() > end) return pending;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await client.end();
  }
}
