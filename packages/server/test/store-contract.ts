/**
 * @module test/store-contract
 * The {@link ActionStore} contract as a reusable Vitest suite: every store (memory, SQLite,
 * PostgreSQL) runs the same cases through {@link runStoreContract}.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  ActionStore,
  CreateResult,
  StoredRecord,
  TransitionInput,
} from "../src/store/action-store.js";
import { isoTime } from "../src/util/iso-time.js";
import { checkAgentTimeout, checkParallelAgentTimeouts } from "./store-agent-timeout-contract.js";
import { checkCallbackLeases, checkParallelLeases } from "./store-lease-contract.js";
import {
  checkCountsByAssignees,
  checkEscalationDue,
  checkPinnedTransitions,
  checkUpdates,
} from "./store-quorum-contract.js";
import { checkCountsAndDecided, checkPendingQuota } from "./store-quota-contract.js";
import { checkOldestPending, checkStats, checkUnreadableTimes } from "./store-stats-contract.js";

/** Makes a fresh, initialised, empty store; `dispose` closes and removes it. */
export type StoreFactory = () => Promise<{ store: ActionStore; dispose: () => Promise<void> }>;

const T0 = Date.parse("2030-01-01T00:00:00.000Z");

/** A pending record expiring `expiresInMs` after T0. */
export function pendingRecord(id: string, agentId: string, expiresInMs = 60_000): StoredRecord {
  return {
    id,
    status: "pending",
    title: `Run ${id}`,
    description: "a test action with a NUL-free but \u00e9 unicode text \u2713",
    severity: "WARNING",
    agent_id: agentId,
    metadata: { n: 1, nested: { list: [1, "two", null, true] } },
    action: { name: "transfer", args: { amount: 12.5, to: "acct-1" } },
    args_hash: null,
    allowed_decisions: ["approve", "modify", "reject"],
    created_at: isoTime(T0),
    expires_at: isoTime(T0 + expiresInMs),
    decision: null,
  };
}

/** A transition input deciding `id` with `status`. */
export function decide(
  id: string,
  status: TransitionInput["status"] = "approved",
  extra: Partial<TransitionInput> = {},
): TransitionInput {
  const type = status === "approved" ? "approve" : status === "rejected" ? "reject" : "cancel";
  return {
    id,
    status,
    decision: {
      type,
      response_data: null,
      comments: "ok",
      reviewer: "alice",
      decided_at: isoTime(T0 + 1),
    },
    actor: "reviewer:alice",
    at: isoTime(T0 + 1),
    ...extra,
  } as TransitionInput;
}

/** Files a pending action in `store` (without a quota, so never refused). */
export async function file(store: ActionStore, id: string, agentId: string, expiresInMs = 60_000) {
  return stored(
    await store.create({
      record: pendingRecord(id, agentId, expiresInMs),
      requestHash: `hash-${id}`,
      callbackUrl: null,
      actor: `agent:${agentId}`,
      at: isoTime(T0),
    }),
  );
}

/** A create result that stored or found an action (throws for a refusal). */
export function stored(result: CreateResult) {
  if (!result.action) throw new Error(`create refused: ${result.refused}`);
  return result;
}

/** Registers the contract suite for one store implementation. */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`ActionStore contract: ${name}`, () => {
    let store: ActionStore;
    let dispose: () => Promise<void>;
    const agent = () => `agent-${randomUUID().slice(0, 8)}`;

    beforeEach(async () => {
      ({ store, dispose } = await factory());
    });
    afterEach(async () => {
      await dispose();
    });

    it("creates a pending action with its audit entry, and refuses to overwrite it", async () => {
      const a = agent();
      const first = await file(store, "act-1", a);
      expect(first.created).toBe(true);
      expect(first.action.record).toEqual(pendingRecord("act-1", a));
      expect(first.action.decisionSeq).toBeNull();
      const again = stored(
        await store.create({
          record: { ...pendingRecord("act-1", a), title: "other" },
          requestHash: "different",
          callbackUrl: "http://127.0.0.1:1/cb",
          actor: "agent:x",
          at: isoTime(T0 + 5),
        }),
      );
      expect(again.created).toBe(false);
      expect(again.action.record.title).toBe("Run act-1");
      expect(again.action.requestHash).toBe("hash-act-1");
      expect(again.action.callbackUrl).toBeNull();
      const audit = await store.auditLog("act-1");
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actionId: "act-1",
        fromStatus: null,
        toStatus: "pending",
        actor: `agent:${a}`,
        at: isoTime(T0),
      });
      expect(await store.get("missing")).toBeUndefined();
    });

    it("refuses a filing over maxPending, atomically under parallel filings", () =>
      checkPendingQuota(store, agent()));

    it("counts pending actions per agent, tool and severity, and lists decided ones", () =>
      checkCountsAndDecided(store, agent()));

    it("answers analytics per group and bin: edges, exclusions, escalation steps", () =>
      checkStats(store, agent()));

    it("pages pending actions longest-waiting first, ties by id", () =>
      checkOldestPending(store, agent()));

    it("files and decides actions with times a database cannot read", () =>
      checkUnreadableTimes(store, agent()));

    it("changes a pending record compare-and-set on its revision, with its audit entry", () =>
      checkUpdates(store, agent()));

    it("settles once among concurrent transitions pinned to one revision", () =>
      checkPinnedTransitions(store, agent()));

    it("finds pending actions whose next escalation step is due", () =>
      checkEscalationDue(store, agent()));

    it("counts pending actions per assignee list too", () =>
      checkCountsByAssignees(store, agent()));

    it("applies the first terminal transition only", async () => {
      const a = agent();
      await file(store, "act-2", a);
      const won = await store.transition(decide("act-2", "approved"));
      expect(won.ok).toBe(true);
      if (!won.ok) return;
      expect(won.action.record.status).toBe("approved");
      expect(won.action.record.decision?.type).toBe("approve");
      expect(won.action.decisionSeq).toBeGreaterThan(0);
      const lost = await store.transition(decide("act-2", "rejected"));
      expect(lost).toMatchObject({ ok: false, reason: "not_pending" });
      if (!lost.ok) expect(lost.action?.record.status).toBe("approved");
      expect(await store.transition(decide("nope"))).toEqual({ ok: false, reason: "not_found" });
      const stored = await store.get("act-2");
      expect(stored?.record.status).toBe("approved");
      expect(stored?.decisionSeq).toBe(won.action.decisionSeq);
      const audit = await store.auditLog("act-2");
      expect(audit.map((e) => [e.fromStatus, e.toStatus, e.actor])).toEqual([
        [null, "pending", `agent:${a}`],
        ["pending", "approved", "reviewer:alice"],
      ]);
      expect(audit[1]?.seq).toBeGreaterThan(audit[0]?.seq ?? Number.POSITIVE_INFINITY);
    });

    it("applies a transition given the caller's record the same way, once", async () => {
      const a = agent();
      const filed = await file(store, "act-r", a);
      const pending = filed.action.record;
      const withRecord = (status: "approved" | "rejected") => {
        const input = decide("act-r", status);
        return { ...input, record: { ...pending, status, decision: input.decision } };
      };
      const won = await store.transition(withRecord("approved"));
      expect(won.ok).toBe(true);
      if (!won.ok) return;
      expect(won.action).toEqual(await store.get("act-r"));
      expect(won.action.record).toEqual({
        ...pending,
        status: "approved",
        decision: won.action.record.decision,
      });
      const lost = await store.transition(withRecord("rejected"));
      expect(lost).toMatchObject({ ok: false, reason: "not_pending" });
      if (!lost.ok) expect(lost.action?.record.status).toBe("approved");
      const unknown = decide("act-none");
      expect(
        await store.transition({
          ...unknown,
          record: { ...pending, id: "act-none", status: "approved", decision: unknown.decision },
        }),
      ).toEqual({ ok: false, reason: "not_found" });
      expect((await store.auditLog("act-r")).map((e) => e.toStatus)).toEqual([
        "pending",
        "approved",
      ]);
    });

    it("refuses a guarded transition once the deadline has passed, but lets expiry through", async () => {
      const a = agent();
      await file(store, "act-3", a, 1000);
      const late = await store.transition(decide("act-3", "approved", { notExpiredAt: T0 + 1000 }));
      expect(late).toMatchObject({ ok: false, reason: "expired" });
      expect((await store.get("act-3"))?.record.status).toBe("pending");
      const inTime = decide("act-3", "approved", { notExpiredAt: T0 + 999 });
      const expiry = await store.transition({
        ...inTime,
        status: "timed_out",
        decision: { ...inTime.decision, type: "timeout", reviewer: null },
        actor: "system:expiry",
        notExpiredAt: undefined,
      } as TransitionInput);
      expect(expiry.ok).toBe(true);
      expect((await store.get("act-3"))?.record.status).toBe("timed_out");
    });

    it("has exactly one winner among concurrent transitions", async () => {
      const a = agent();
      await file(store, "act-4", a);
      const statuses = ["approved", "rejected", "cancelled"] as const;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.transition(decide("act-4", statuses[i % 3]))),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(
        (await store.auditLog("act-4")).filter((e) => e.fromStatus === "pending"),
      ).toHaveLength(1);
    });

    it("streams an agent's decisions in sequence order after a cursor", async () => {
      const a = agent();
      const b = agent();
      for (const id of ["d1", "d2", "d3", "d4"]) await file(store, id, a);
      await file(store, "other", b);
      await store.transition(decide("d3"));
      await store.transition(decide("other"));
      await store.transition(decide("d1", "rejected"));
      await store.transition(decide("d4", "cancelled"));
      const all = await store.decisionsSince({ agentId: a, after: 0, limit: 10 });
      expect(all.map((x) => x.record.id)).toEqual(["d3", "d1", "d4"]);
      const seqs = all.map((x) => x.decisionSeq ?? 0);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(3);
      const rest = await store.decisionsSince({ agentId: a, after: seqs[0] ?? 0, limit: 1 });
      expect(rest.map((x) => x.record.id)).toEqual(["d1"]);
      expect(await store.decisionsSince({ agentId: a, after: seqs[2] ?? 0, limit: 10 })).toEqual(
        [],
      );
      expect(
        (await store.decisionsSince({ agentId: b, after: 0, limit: 10 })).map((x) => x.record.id),
      ).toEqual(["other"]);
    });

    it("answers an agent's latest decision sequence (0 before any)", async () => {
      const a = agent();
      const b = agent();
      expect(await store.latestDecisionSeq(a)).toBe(0);
      for (const id of ["n1", "n2"]) await file(store, id, a);
      await file(store, "n3", b);
      expect(await store.latestDecisionSeq(a)).toBe(0);
      await store.transition(decide("n2"));
      const seq = (await store.get("n2"))?.decisionSeq ?? -1;
      expect(await store.latestDecisionSeq(a)).toBe(seq);
      await store.transition(decide("n3"));
      expect(await store.latestDecisionSeq(a)).toBe(seq);
      expect(await store.latestDecisionSeq(b)).toBeGreaterThan(seq);
      await store.transition(decide("n1", "rejected"));
      const latest = await store.latestDecisionSeq(a);
      expect(latest).toBe((await store.get("n1"))?.decisionSeq);
      expect(await store.decisionsSince({ agentId: a, after: latest, limit: 10 })).toEqual([]);
    });

    it("lists newest first with filters and a cursor that visits every action once", async () => {
      const a = agent();
      const b = agent();
      for (let i = 0; i < 7; i++) await file(store, `l${i}`, i % 2 ? a : b);
      await store.transition(decide("l2"));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.actions.length).toBeLessThanOrEqual(3);
        seen.push(...page.actions.map((x) => x.record.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(["l6", "l5", "l4", "l3", "l2", "l1", "l0"]);
      const ofA = await store.list({ agentId: a, limit: 10 });
      expect(ofA.actions.map((x) => x.record.id)).toEqual(["l5", "l3", "l1"]);
      expect(ofA.nextCursor).toBeNull();
      const pendingB = await store.list({ agentId: b, status: "pending", limit: 10 });
      expect(pendingB.actions.map((x) => x.record.id)).toEqual(["l6", "l4", "l0"]);
      const approved = await store.list({ status: "approved", limit: 10 });
      expect(approved.actions.map((x) => x.record.id)).toEqual(["l2"]);
    });

    it("answers due actions soonest first and the next deadline of pending actions", async () => {
      const a = agent();
      expect(await store.nextExpiry()).toBeNull();
      await file(store, "e3", a, 3000);
      await file(store, "e1", a, 1000);
      await file(store, "e2", a, 2000);
      expect(await store.nextExpiry()).toBe(T0 + 1000);
      expect(await store.dueForExpiry(T0 + 2000, 10)).toEqual(["e1", "e2"]);
      expect(await store.dueForExpiry(T0 + 5000, 1)).toEqual(["e1"]);
      expect(await store.dueForExpiry(T0 + 999, 10)).toEqual([]);
      await store.transition(decide("e1"));
      expect(await store.nextExpiry()).toBe(T0 + 2000);
      expect(await store.dueForExpiry(T0 + 5000, 10)).toEqual(["e2", "e3"]);
    });

    it("records an agent's local timeout on its own decided action once, with an audit entry", () =>
      checkAgentTimeout(store, agent()));

    it("records exactly one of parallel local-timeout reports", () =>
      checkParallelAgentTimeouts(store, agent()));

    it("leases an owed callback to one owner at a time; leases end, renew and release", () =>
      checkCallbackLeases(store, agent()));

    it("leases each owed callback exactly once under parallel claims", () =>
      checkParallelLeases(store, agent()));

    it("owes the callback of a decided action with a callback URL until it is settled", async () => {
      const a = agent();
      const withCallback = async (id: string) =>
        store.create({
          record: pendingRecord(id, a),
          requestHash: `hash-${id}`,
          callbackUrl: "http://agent.example/safeguards/callback",
          actor: `agent:${a}`,
          at: isoTime(T0),
        });
      const [first, second, none] = [`${a}-cb-1`, `${a}-cb-2`, `${a}-no-cb`];
      await withCallback(first);
      await withCallback(second);
      await file(store, none, a);
      const owed = async () =>
        (await store.pendingCallbacks(100))
          .map((x) => x.record.id)
          .filter((id) => id.startsWith(a));
      expect(await owed()).toEqual([]); // nothing is owed before a decision
      await store.transition(decide(second));
      await store.transition(decide(none));
      await store.transition(decide(first, "rejected"));
      expect(await owed()).toEqual([second, first]); // in decision order
      const [owedSecond] = (await store.pendingCallbacks(100)).filter(
        (x) => x.record.id === second,
      );
      expect(owedSecond).toMatchObject({
        callbackUrl: "http://agent.example/safeguards/callback",
        record: { status: "approved" },
      });
      await store.settleCallback(second, "delivered");
      await store.settleCallback(none, "failed"); // nothing was owed: no change
      expect(await owed()).toEqual([first]);
      await store.settleCallback(first, "failed");
      await store.settleCallback(first, "delivered"); // settled once: stays failed
      expect(await owed()).toEqual([]);
    });
  });
}
