/**
 * @module test/store-quota-contract
 * The `maxPending` part of the {@link ActionStore} contract (run by `store-contract.ts` for
 * every store): a filing over the agent's quota stores nothing, an idempotent retry of a
 * stored id is still answered, other agents are unaffected, decisions free slots, and
 * parallel filings never overshoot the quota. Also the pending counts and the `decided`
 * list filter the web inbox pages with.
 */
import { expect } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { decide, pendingRecord } from "./store-contract.js";

const fileUnder = (store: ActionStore, id: string, agentId: string, maxPending: number) =>
  store.create({
    record: pendingRecord(id, agentId),
    requestHash: `hash-${id}`,
    callbackUrl: null,
    actor: `agent:${agentId}`,
    at: "2030-01-01T00:00:00.000Z",
    maxPending,
  });

/** Checks the quota of pending actions of `agent` in `store`. */
export async function checkPendingQuota(store: ActionStore, agent: string): Promise<void> {
  const max = 5;
  // 40 parallel filings of distinct ids: exactly `max` are stored.
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => fileUnder(store, `${agent}-q${i}`, agent, max)),
  );
  expect(results.filter((r) => r.created)).toHaveLength(max);
  const refused = results.filter((r) => r.refused === "too_many_pending");
  expect(refused).toHaveLength(40 - max);
  const page = await store.list({ agentId: agent, limit: 100 });
  expect(page.actions).toHaveLength(max);
  const storedIds = new Set(page.actions.map((a) => a.record.id));
  for (let i = 0; i < 40; i++) {
    const id = `${agent}-q${i}`;
    if (storedIds.has(id)) continue;
    expect(await store.get(id)).toBeUndefined();
    expect(await store.auditLog(id)).toEqual([]);
  }
  // An idempotent retry of a stored id is answered, not refused.
  const [kept] = [...storedIds];
  const retry = await fileUnder(store, kept as string, agent, max);
  expect(retry).toMatchObject({ created: false, action: { record: { id: kept } } });
  // Another agent has its own quota.
  expect((await fileUnder(store, `${agent}-other`, `${agent}-b`, max)).created).toBe(true);
  // A decision frees one slot, and only one.
  await store.transition(decide(kept as string));
  const after = await Promise.all(
    [1, 2, 3].map((n) => fileUnder(store, `${agent}-after${n}`, agent, max)),
  );
  expect(after.filter((r) => r.created)).toHaveLength(1);
}

/** Checks `pendingCounts()` and `list({ status: "decided" })` for `agent`'s actions. */
export async function checkCountsAndDecided(store: ActionStore, agent: string): Promise<void> {
  const ids = Array.from({ length: 6 }, (_, i) => `${agent}-c${i}`);
  for (const [i, id] of ids.entries()) {
    const record = pendingRecord(id, agent);
    await store.create({
      record: {
        ...record,
        severity: i % 2 ? "CRITICAL" : "WARNING",
        action: i === 5 ? null : record.action,
      },
      requestHash: `hash-${id}`,
      callbackUrl: null,
      actor: `agent:${agent}`,
      at: "2030-01-01T00:00:00.000Z",
    });
  }
  await store.transition(decide(ids[0] as string));
  await store.transition(decide(ids[1] as string, "rejected"));
  const mine = (await store.pendingCounts())
    .filter((c) => c.agentId === agent)
    .sort((a, b) => `${a.tool}${a.severity}`.localeCompare(`${b.tool}${b.severity}`));
  expect(mine).toEqual([
    { agentId: agent, tool: null, severity: "CRITICAL", count: 1 },
    { agentId: agent, tool: "transfer", severity: "CRITICAL", count: 1 },
    { agentId: agent, tool: "transfer", severity: "WARNING", count: 2 },
  ]);
  const decided = await store.list({ status: "decided", agentId: agent, limit: 10 });
  expect(decided.actions.map((a) => a.record.id)).toEqual([ids[1], ids[0]]);
  const first = await store.list({ status: "decided", agentId: agent, limit: 1 });
  expect(first.actions.map((a) => a.record.id)).toEqual([ids[1]]);
  const next = await store.list({
    status: "decided",
    agentId: agent,
    limit: 1,
    ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
  });
  expect(next).toMatchObject({ nextCursor: null, actions: [{ record: { id: ids[0] } }] });
}
