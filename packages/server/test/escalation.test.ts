import { createManualClock, type protocol } from "@safeguards/core";
import { deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import type { Inbox } from "../src/create-inbox.js";
import type { InboxEvent } from "../src/inbox/inbox-events.js";
import { file, requestBody } from "./helpers.js";
import {
  decideBy,
  listedFor,
  quorumRequest,
  STORE_KINDS,
  startQuorumInbox,
  viewBy,
} from "./quorum-helpers.js";

const defer = deferCleanup();
type Escalated = Extract<InboxEvent, { type: "action.escalated" }>;

/** The escalation plan of the tests: the CFO after a minute, bob after ten. */
const PLAN = [
  { after_seconds: 60, assignees: ["group:cfo"] },
  { after_seconds: 600, assignees: ["bob"] },
];

describe.each(STORE_KINDS)("escalation ($name store)", (kind) => {
  it("adds the step's assignees on time on an injected clock, once, and tells listeners", async () => {
    const clock = createManualClock(Date.now());
    const { url, inbox } = await startQuorumInbox(await kind.location(defer), defer, { clock });
    const events: Escalated[] = [];
    inbox.on("action.escalated", (e) => void events.push(e));
    const body = quorumRequest(clock, { assignees: ["alice"], escalation: PLAN });
    await file(url, body);
    expect((await decideBy(url, "carol", body.id, { type: "approve" })).status).toBe(403);
    expect(await listedFor(url, "carol")).not.toContain(body.id);

    clock.advance(59_000);
    await inbox.sweepExpired();
    expect((await viewBy(url, "alice", body.id)).body.escalations).toEqual([]);
    clock.advance(1_000); // the sweeper's own timer fires at created_at + 60 s
    await eventually(() => events.length === 1);
    const record = (await viewBy(url, "alice", body.id)).body as protocol.ActionRecord;
    expect(record.assignees).toEqual(["alice", "group:cfo"]);
    expect(record.escalations).toEqual([
      {
        step: 0,
        after_seconds: 60,
        assignees: ["group:cfo"],
        escalated_at: new Date(clock.now()).toISOString(),
      },
    ]);
    expect(events[0]).toMatchObject({ step: 0, assignees: ["group:cfo"], action: { id: body.id } });
    // Sweeping again applies nothing twice.
    await inbox.sweepExpired();
    expect((await viewBy(url, "alice", body.id)).body.escalations).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(await listedFor(url, "carol")).toContain(body.id);
    expect((await viewBy(url, "carol", body.id)).body.status).toBe("pending");

    clock.advance(540_000);
    await eventually(() => events.length === 2);
    expect(events[1]).toMatchObject({ step: 1, assignees: ["bob"] });
    expect((await viewBy(url, "bob", body.id)).body.assignees).toEqual([
      "alice",
      "group:cfo",
      "bob",
    ]);
    const audit = await inbox.service.auditLog(body.id);
    expect(audit.filter((e) => e.actor === "system:escalation")).toHaveLength(2);
    // The CFO, added by the first step, now decides; the final record keeps the timeline.
    const approved = await decideBy(url, "carol", body.id, { type: "approve" });
    expect(approved.body).toMatchObject({ status: "approved", decision: { reviewer: "carol" } });
    expect(approved.body.escalations).toHaveLength(2);
  });

  it("applies the steps of more actions than one sweep page holds", async () => {
    const clock = createManualClock(Date.now());
    const { inbox } = await startQuorumInbox(await kind.location(defer), defer, { clock });
    const events: Escalated[] = [];
    inbox.on("action.escalated", (e) => void events.push(e));
    const ids: string[] = [];
    for (let i = 0; i < 130; i++) {
      const body = quorumRequest(clock, { assignees: ["alice"], escalation: [PLAN[0]] } as object);
      ids.push(body.id);
      await inbox.service.submit(body.agent_id, body);
    }
    clock.advance(60_000);
    await inbox.sweepExpired();
    expect(new Set(events.map((e) => e.action.id))).toEqual(new Set(ids));
    expect(events).toHaveLength(130);
  });

  it("does not escalate an action settled before the step", async () => {
    const clock = createManualClock(Date.now());
    const { url, inbox } = await startQuorumInbox(await kind.location(defer), defer, { clock });
    const events: Escalated[] = [];
    inbox.on("action.escalated", (e) => void events.push(e));
    const settled = quorumRequest(clock, { assignees: ["alice"], escalation: PLAN });
    await file(url, settled);
    await decideBy(url, "alice", settled.id, { type: "reject" });
    clock.advance(700_000);
    await inbox.sweepExpired();
    expect(events).toEqual([]);
    expect((await viewBy(url, "alice", settled.id)).body.escalations).toEqual([]);
  });
});

describe.each(STORE_KINDS.filter((k) => k.shared))(
  "escalation across restarts and instances ($name store)",
  (kind) => {
    it("applies steps due while the inbox was down after a restart, once across two instances", async () => {
      const clock = createManualClock(Date.now());
      const store = await kind.location(defer);
      const first = await startQuorumInbox(store, defer, { clock });
      const body = quorumRequest(clock, { assignees: ["alice"], escalation: PLAN });
      await file(first.url, body);
      await first.inbox.close();

      clock.advance(700_000); // both steps fall due while no inbox runs
      const events: Escalated[] = [];
      const listen = (inbox: Inbox) => inbox.on("action.escalated", (e) => void events.push(e));
      const [a, b] = await Promise.all([
        startQuorumInbox(store, defer, { clock }, listen),
        startQuorumInbox(store, defer, { clock }, listen),
      ]);
      await Promise.all([a.inbox.sweepExpired(), b.inbox.sweepExpired()]);
      await Promise.all([a.inbox.sweepExpired(), b.inbox.sweepExpired()]);
      const record = (await viewBy(a.url, "alice", body.id)).body as protocol.ActionRecord;
      expect(record.escalations?.map((e) => e.step)).toEqual([0, 1]);
      expect(record.assignees).toEqual(["alice", "group:cfo", "bob"]);
      // Both due steps were applied together, once: one audit entry, one event per step.
      const audit = await a.inbox.service.auditLog(body.id);
      expect(audit.filter((e) => e.actor === "system:escalation")).toHaveLength(1);
      expect(events.map((e) => e.step).sort()).toEqual([0, 1]);
      expect((await decideBy(b.url, "bob", body.id, { type: "approve" })).body.status).toBe(
        "approved",
      );
    });

    it("lets the expiry win over a step that fell due while no inbox ran", async () => {
      const clock = createManualClock(Date.now());
      const store = await kind.location(defer);
      const first = await startQuorumInbox(store, defer, { clock });
      const body = requestBody(
        clock,
        { assignees: ["alice"], escalation: [PLAN[0]] } as object,
        120_000,
      );
      await file(first.url, body);
      await first.inbox.close();
      clock.advance(200_000); // the step (60 s) and the deadline (120 s) both passed
      const events: Escalated[] = [];
      const second = await startQuorumInbox(store, defer, { clock }, (inbox) =>
        inbox.on("action.escalated", (e) => void events.push(e)),
      );
      await second.inbox.sweepExpired();
      const record = (await viewBy(second.url, "alice", body.id)).body as protocol.ActionRecord;
      expect(record.status).toBe("timed_out");
      expect(record.escalations).toEqual([]);
      expect(events).toEqual([]);
    });
  },
);
