/**
 * @module test/store-lease-contract
 * The callback-lease part of the {@link ActionStore} contract (run by `store-contract.ts` for
 * every store), with time given as numbers (the inbox passes its clock's): an owed callback
 * is leased to one owner at a time, even under parallel claims; a lease holds until it ends,
 * can be renewed by its owner and released; an expired lease is taken by another owner;
 * settled callbacks and actions without a callback are never leased.
 */
import { expect } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { decide, file, pendingRecord } from "./store-contract.js";

const T = Date.parse("2030-01-01T00:10:00.000Z");
const LEASE = 60_000;

/** Files and decides `ids` of `agent` with a callback URL (so each callback is owed). */
async function owe(store: ActionStore, agent: string, ids: string[]) {
  for (const id of ids) {
    await store.create({
      record: pendingRecord(id, agent),
      requestHash: `hash-${id}`,
      callbackUrl: "http://agent.example/cb",
      actor: `agent:${agent}`,
      at: "2030-01-01T00:00:00.000Z",
    });
    await store.transition(decide(id));
  }
}

/** Checks leasing of owed callbacks of `agent` (its own ids only: the store may be shared). */
export async function checkCallbackLeases(store: ActionStore, agent: string): Promise<void> {
  const ids = [`${agent}-l1`, `${agent}-l2`, `${agent}-l3`];
  await owe(store, agent, ids);
  await file(store, `${agent}-none`, agent);
  await store.transition(decide(`${agent}-none`));
  const mine = (leased: { record: { id: string } }[]) =>
    leased.map((x) => x.record.id).filter((id) => id.startsWith(`${agent}-`));
  const lease = (owner: string, nowMs: number, extra: { actionId?: string } = {}) =>
    store
      .leaseCallbacks({ owner, nowMs, untilMs: nowMs + LEASE, limit: 1000, ...extra })
      .then(mine);

  // One action only, then the rest, oldest decision first; never twice while leased.
  expect(await lease("A", T, { actionId: ids[1] })).toEqual([ids[1]]);
  expect(await lease("A", T)).toEqual([ids[0], ids[2]]);
  expect(await lease("A", T + 1)).toEqual([]);
  expect(await lease("B", T + LEASE - 1)).toEqual([]);
  // The owner renews: at the old end the lease still holds.
  expect(await store.renewCallbackLeases("A", T + 2 * LEASE)).toBeGreaterThanOrEqual(3);
  expect(await lease("B", T + LEASE)).toEqual([]);
  // A settled callback is never leased again; an expired lease goes to another owner.
  await store.settleCallback(ids[0] as string, "delivered");
  expect(await lease("B", T + 2 * LEASE)).toEqual([ids[1], ids[2]]);
  expect(await store.renewCallbackLeases("A", T + 9 * LEASE)).toBe(0);
  // Released leases are taken at once.
  await store.releaseCallbackLeases("B");
  expect(await lease("C", T + 2 * LEASE + 1)).toEqual([ids[1], ids[2]]);
  await store.settleCallback(ids[1] as string, "failed");
  await store.settleCallback(ids[2] as string, "delivered");
  expect(await lease("D", T + 100 * LEASE)).toEqual([]);
}

/** Parallel claims by many owners: each owed callback of `agent` is leased exactly once. */
export async function checkParallelLeases(store: ActionStore, agent: string): Promise<void> {
  const ids = Array.from({ length: 12 }, (_, i) => `${agent}-p${i}`);
  await owe(store, agent, ids);
  const claims = await Promise.all(
    Array.from({ length: 8 }, (_, k) =>
      store.leaseCallbacks({ owner: `owner-${k}`, nowMs: T, untilMs: T + LEASE, limit: 1000 }),
    ),
  );
  const leased = claims
    .flat()
    .map((x) => x.record.id)
    .filter((id) => id.startsWith(agent));
  expect(leased.sort()).toEqual([...ids].sort());
  for (const id of ids) await store.settleCallback(id, "delivered");
}
