/**
 * @module test/store-agent-timeout-contract
 * The `recordAgentTimeout` part of the {@link ActionStore} contract (run by
 * `store-contract.ts` for every store): only the agent's own terminal action; recorded once
 * with an `agent_timeout` audit entry; the same report again writes nothing; another time is
 * a conflict; parallel reports record exactly one.
 */
import { expect } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { decide, file } from "./store-contract.js";

const AT = "2030-01-01T00:05:00.000Z";
const REPORTED = "2030-01-01T00:06:00.000Z";

/** Checks local-timeout reports on actions of `agent`. */
export async function checkAgentTimeout(store: ActionStore, agent: string): Promise<void> {
  const id = `${agent}-t1`;
  const report = (extra: { agentId?: string; timedOutAt?: string; id?: string } = {}) =>
    store.recordAgentTimeout({
      id: extra.id ?? id,
      agentId: extra.agentId ?? agent,
      timedOutAt: extra.timedOutAt ?? AT,
      at: REPORTED,
    });
  await file(store, id, agent);
  expect(await report()).toMatchObject({ ok: false, reason: "still_pending" });
  expect(await report({ id: `${agent}-unknown` })).toEqual({ ok: false, reason: "not_found" });
  await store.transition(decide(id));
  expect(await report({ agentId: `${agent}-other` })).toEqual({ ok: false, reason: "not_found" });
  const first = await report();
  expect(first).toMatchObject({
    ok: true,
    recorded: true,
    action: {
      record: { status: "approved", agent_timeout: { timed_out_at: AT, reported_at: REPORTED } },
    },
  });
  expect(await report()).toMatchObject({ ok: true, recorded: false });
  expect(await report({ timedOutAt: "2030-01-01T00:07:00.000Z" })).toMatchObject({
    ok: false,
    reason: "conflict",
    action: { record: { agent_timeout: { timed_out_at: AT } } },
  });
  const stored = await store.get(id);
  expect(stored?.record.agent_timeout).toEqual({ timed_out_at: AT, reported_at: REPORTED });
  expect(stored?.record.decision?.type).toBe("approve"); // the decision itself is unchanged
  const audit = await store.auditLog(id);
  expect(audit.map((e) => [e.fromStatus, e.toStatus, e.event ?? null])).toEqual([
    [null, "pending", null],
    ["pending", "approved", null],
    ["approved", "approved", "agent_timeout"],
  ]);
  expect(audit[2]).toMatchObject({ actor: `agent:${agent}`, at: REPORTED });
}

/** Parallel reports with different times: exactly one is recorded, with one audit entry. */
export async function checkParallelAgentTimeouts(store: ActionStore, agent: string) {
  const id = `${agent}-tp`;
  await file(store, id, agent);
  await store.transition(decide(id, "rejected"));
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, k) =>
      store.recordAgentTimeout({
        id,
        agentId: agent,
        timedOutAt: `2030-01-01T00:0${k}:00.000Z`,
        at: REPORTED,
      }),
    ),
  );
  expect(results.filter((r) => r.ok && r.recorded)).toHaveLength(1);
  for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ reason: "conflict" });
  const events = (await store.auditLog(id)).filter((e) => e.event === "agent_timeout");
  expect(events).toHaveLength(1);
}
