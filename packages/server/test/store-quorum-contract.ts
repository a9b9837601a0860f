/**
 * @module test/store-quorum-contract
 * The quorum part of the {@link ActionStore} contract (run by `store-contract.ts` for every
 * store): `update` changes a pending record compare-and-set on its revision with an audit
 * entry, exactly one of concurrent updates (or settling transitions) on one revision
 * applies, a transition pinned to a revision refuses a newer one, and the next escalation
 * step of pending actions is found by time.
 */
import { expect } from "vitest";
import type { ActionStore, StoredRecord } from "../src/store/action-store.js";
import { isoTime } from "../src/util/iso-time.js";
import { decide, pendingRecord } from "./store-contract.js";

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const approval = (reviewer: string) => ({ reviewer, decided_at: isoTime(T0 + 1), comments: null });

const fileQuorum = async (
  store: ActionStore,
  id: string,
  agent: string,
  extra: Partial<StoredRecord> = {},
) => {
  const record = {
    ...pendingRecord(id, agent, 3_600_000),
    required_approvals: 2,
    approvals: [],
    ...extra,
  };
  await store.create({
    record,
    requestHash: `hash-${id}`,
    callbackUrl: null,
    actor: `agent:${agent}`,
    at: isoTime(T0),
  });
  return record;
};

/** Checks `update`: compare-and-set on the revision, with its audit entry. */
export async function checkUpdates(store: ActionStore, agent: string): Promise<void> {
  const id = `${agent}-u`;
  const record = await fileQuorum(store, id, agent);
  const change = (reviewer: string, revision: number) =>
    store.update({
      id,
      record: { ...record, approvals: [approval(reviewer)] },
      revision,
      actor: `reviewer:${reviewer}`,
      at: isoTime(T0 + 1),
    });
  // Concurrent changes computed from revision 0: exactly one applies, the others are stale.
  const results = await Promise.all(["alice", "bob", "carol", "dave"].map((r) => change(r, 0)));
  const applied = results.filter((r) => r.ok);
  expect(applied).toHaveLength(1);
  for (const r of results.filter((x) => !x.ok)) {
    expect(r).toMatchObject({ ok: false, reason: "stale", action: { revision: 1 } });
  }
  const stored = await store.get(id);
  expect(stored).toMatchObject({ revision: 1, decisionSeq: null, record: { status: "pending" } });
  expect(stored?.record.approvals).toHaveLength(1);
  const log = await store.auditLog(id);
  expect(log.map((e) => [e.fromStatus, e.toStatus])).toEqual([
    [null, "pending"],
    ["pending", "pending"],
  ]);
  // Not pending, unknown, or past the deadline: refused with the reason, nothing written.
  expect(
    await store.update({ id: "missing", record, revision: 0, actor: "x", at: isoTime(T0) }),
  ).toEqual({
    ok: false,
    reason: "not_found",
  });
  const late = await store.update({
    id,
    record,
    revision: 1,
    actor: "x",
    at: isoTime(T0),
    notExpiredAt: T0 + 3_600_000,
  });
  expect(late).toMatchObject({ ok: false, reason: "expired" });
  await store.transition(decide(id, "rejected"));
  expect(await change("erin", 1)).toMatchObject({ ok: false, reason: "not_pending" });
  expect((await store.auditLog(id)).length).toBe(3);
}

/** Checks transitions pinned to a revision: concurrent last approvals settle once. */
export async function checkPinnedTransitions(store: ActionStore, agent: string): Promise<void> {
  const id = `${agent}-p`;
  const record = await fileQuorum(store, id, agent, { approvals: [approval("alice")] });
  const settle = (reviewer: string) => {
    const approvals = [approval("alice"), approval(reviewer)];
    const decision = { ...decide(id).decision, reviewer, approvals };
    return store.transition({
      ...decide(id),
      decision,
      record: { ...record, approvals, status: "approved", decision },
      revision: 0,
    });
  };
  const results = await Promise.all([settle("bob"), settle("carol"), settle("dave")]);
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  const winner = results.find((r) => r.ok);
  const stored = await store.get(id);
  expect(stored?.record.decision?.approvals).toEqual(
    winner?.ok ? winner.action.record.decision?.approvals : undefined,
  );
  expect(stored?.record.approvals).toHaveLength(2);
  // A transition pinned to an older revision is refused as stale while the action is pending.
  const other = `${agent}-p2`;
  await fileQuorum(store, other, agent);
  await store.update({ id: other, record, revision: 0, actor: "reviewer:alice", at: isoTime(T0) });
  expect(await store.transition({ ...decide(other), revision: 0 })).toMatchObject({
    ok: false,
    reason: "stale",
    action: { revision: 1 },
  });
  expect(await store.transition({ ...decide(other), revision: 1 })).toMatchObject({ ok: true });
}

/** Checks that pending actions' next escalation steps are found by time, and only theirs. */
export async function checkEscalationDue(store: ActionStore, agent: string): Promise<void> {
  const plan = [
    { after_seconds: 60, assignees: ["group:cfo"] },
    { after_seconds: 600, assignees: ["ceo"] },
  ];
  const a = await fileQuorum(store, `${agent}-e1`, agent, { escalation: plan, escalations: [] });
  await fileQuorum(store, `${agent}-e2`, agent, {
    escalation: [plan[1] as (typeof plan)[0]],
    escalations: [],
  });
  await fileQuorum(store, `${agent}-none`, agent);
  const mine = (ids: string[]) => ids.filter((id) => id.startsWith(agent));
  expect(await store.nextEscalation()).toBe(T0 + 60_000);
  expect(mine(await store.dueForEscalation(T0 + 59_999, 10))).toEqual([]);
  expect(mine(await store.dueForEscalation(T0 + 60_000, 10))).toEqual([`${agent}-e1`]);
  expect(mine(await store.dueForEscalation(T0 + 600_000, 10))).toEqual([
    `${agent}-e1`,
    `${agent}-e2`,
  ]);
  // Applying e1's first step moves its next step to 600 s.
  const applied = {
    step: 0,
    after_seconds: 60,
    assignees: ["group:cfo"],
    escalated_at: isoTime(T0 + 60_000),
  };
  await store.update({
    id: `${agent}-e1`,
    record: { ...a, escalations: [applied] },
    revision: 0,
    actor: "system:escalation",
    at: isoTime(T0 + 60_000),
  });
  expect(mine(await store.dueForEscalation(T0 + 300_000, 10))).toEqual([]);
  expect(await store.nextEscalation()).toBe(T0 + 600_000);
  // A settled action has nothing left to escalate.
  await store.transition(decide(`${agent}-e1`));
  await store.transition(decide(`${agent}-e2`));
  expect(mine(await store.dueForEscalation(T0 + 10_000_000, 10))).toEqual([]);
  expect(await store.nextEscalation()).toBeNull();
}

/** Checks that pending counts are grouped by assignee list too (the web inbox's counts). */
export async function checkCountsByAssignees(store: ActionStore, agent: string): Promise<void> {
  await fileQuorum(store, `${agent}-c1`, agent, { assignees: ["group:finance"] });
  await fileQuorum(store, `${agent}-c2`, agent, { assignees: ["group:finance"] });
  await fileQuorum(store, `${agent}-c3`, agent, { assignees: ["carol", "group:cfo"] });
  await fileQuorum(store, `${agent}-c4`, agent, { assignees: null });
  const mine = (await store.pendingCounts())
    .filter((c) => c.agentId === agent)
    .map((c) => [c.assignees ?? null, c.count])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  expect(mine).toEqual([
    [["carol", "group:cfo"], 1],
    [["group:finance"], 2],
    [null, 1],
  ]);
}
