import { createManualClock } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import { createReviewerGate } from "../src/auth/reviewer-gate.js";
import { createInbox, type Inbox } from "../src/create-inbox.js";
import { estimateQuantile, statsQueryOf, statsReport } from "../src/inbox/stats-service.js";
import { DECISION_TIME_BUCKETS } from "../src/store/action-stats.js";
import { fileAt, fileScenario, UNTIL } from "./store-stats-contract.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

/** An inbox on a clock at the scenario's end, with the scenario filed in its store. */
async function scenarioInbox() {
  inbox = createInbox({ store: "memory", apiKeys: {}, clock: createManualClock(UNTIL) });
  await inbox.store.init();
  await fileScenario(inbox.store, "bot", "bot-b");
  return inbox;
}

describe("statsReport", () => {
  it("turns the store's groups into backlog, outcomes, decision times and escalations", async () => {
    const { service } = await scenarioInbox();
    // bob: every right, and the assignee the escalation steps added.
    const report = await statsReport(
      service,
      createReviewerGate(service),
      { name: "bob" },
      "24h",
      UNTIL,
    );
    expect(report.backlog.map((b) => b.pending)).toEqual([
      3, 3, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6,
    ]);
    // The last point is now, and counts s-at-until, filed at exactly now.
    expect(report.backlog[0]?.at).toBe(new Date(UNTIL - 23 * 3_600_000).toISOString());
    expect(report.backlog.at(-1)?.at).toBe(report.until);
    expect(report.escalations.total).toBe(3);
    expect(report.escalations.bins.filter((b) => b.count > 0).map((b) => b.count)).toEqual([1, 2]);
    expect(report.outcomes.map((o) => o.tool)).toEqual(["email", "transfer"]);
    expect(report.outcomes[1]?.total).toEqual({
      approved: 1,
      modified: 0,
      rejected: 1,
      timed_out: 1,
      cancelled: 1,
    });
    expect(report.outcomes[1]?.bins[5]).toMatchObject({ timed_out: 1 });
    expect(report.decision_time.overall.count).toBe(3);
    expect(report.decision_time.by_agent.map((s) => [s.key, s.count])).toEqual([
      ["bot", 2],
      ["bot-b", 1],
    ]);
    expect(report.slowest_pending.map((a) => [a.id, a.escalations])).toEqual([
      ["s-esc-old", 2],
      ["s-old-pending", 0],
      ["s-escalated", 2],
      ["s-edge-end", 0],
      ["s-at-until", 0],
    ]);
    expect(report.slowest_pending[1]?.waiting_seconds).toBe(26 * 3600);
  });

  it("counts only the groups a reviewer's rights and assignments allow", async () => {
    const { service } = await scenarioInbox();
    // Rights to agent bot only; the escalated actions are assigned to bob.
    const gate = createReviewerGate(service, (_reviewer, record) => record.agent_id === "bot");
    const carol = await statsReport(service, gate, { name: "carol" }, "24h", UNTIL);
    expect(carol.outcomes.map((o) => o.tool)).toEqual(["transfer"]);
    expect(carol.decision_time.by_agent.map((s) => s.key)).toEqual(["bot"]);
    expect(carol.escalations.total).toBe(0);
    expect(carol.slowest_pending.map((a) => a.id)).not.toContain("s-escalated");
    const bob = await statsReport(service, gate, { name: "bob" }, "24h", UNTIL);
    expect(bob.escalations.total).toBe(3);
    expect(bob.slowest_pending.map((a) => a.id)).toContain("s-escalated");
  });

  it("lists at most 10 slowest pending, reading past the ones a reviewer may not see", async () => {
    const { service, store } = await scenarioInbox();
    for (let i = 0; i < 150; i++)
      await fileAt(store, `hidden-${String(i).padStart(3, "0")}`, "secret", 0);
    for (let i = 0; i < 12; i++) await fileAt(store, `seen-${i}`, "bot", UNTIL - 1000 + i);
    const gate = createReviewerGate(service, (_r, record) => record.agent_id !== "secret");
    const report = await statsReport(service, gate, { name: "carol" }, "7d", UNTIL);
    expect(report.slowest_pending).toHaveLength(10);
    expect(report.slowest_pending.every((a) => a.agent_id === "bot")).toBe(true);
    expect(report.slowest_pending[0]?.id).toBe("s-old-pending");
  });
});

describe("statsQueryOf", () => {
  it("aligns bins to whole UTC hours, 6-hour blocks or days; the last bin ends now", () => {
    const now = Date.parse("2030-01-10T13:20:05.000Z");
    expect(statsQueryOf("24h", now)).toEqual({
      sinceMs: Date.parse("2030-01-09T13:00:00.000Z"),
      untilMs: now + 1,
      binMs: 3_600_000,
    });
    expect(statsQueryOf("7d", now).sinceMs).toBe(Date.parse("2030-01-03T12:00:00.000Z"));
    expect(statsQueryOf("30d", now).sinceMs).toBe(Date.parse("2029-12-11T00:00:00.000Z"));
    // On a bin edge the range is the span plus the current bin, which starts now.
    expect(statsQueryOf("30d", UNTIL)).toMatchObject({
      sinceMs: UNTIL - 30 * 86_400_000,
      untilMs: UNTIL + 1,
    });
  });

  it("reports the aligned bins: 25 hourly points when now is inside an hour", async () => {
    const { service } = await scenarioInbox();
    const now = UNTIL + 20 * 60_000;
    const report = await statsReport(
      service,
      createReviewerGate(service),
      { name: "bob" },
      "24h",
      now,
    );
    expect(report.since).toBe(new Date(UNTIL - 24 * 3_600_000).toISOString());
    expect(report.backlog).toHaveLength(25);
    expect(report.backlog[0]?.at).toBe(new Date(UNTIL - 23 * 3_600_000).toISOString());
    expect(report.backlog.at(-1)?.at).toBe(new Date(now).toISOString());
    expect(report.outcomes[0]?.bins.at(-1)?.start).toBe(new Date(UNTIL).toISOString());
    // s-at-until (filed at UNTIL) is in the last, partial bin.
    expect(report.backlog.at(-2)?.pending).toBe(5);
    expect(report.backlog.at(-1)?.pending).toBe(6);
  });
});

describe("estimateQuantile", () => {
  const counts = (set: Record<number, number>) =>
    Array.from({ length: DECISION_TIME_BUCKETS.length + 1 }, (_, i) => set[i] ?? 0);

  it("interpolates inside the bucket holding the quantile, the open one ending at the longest", () => {
    expect(estimateQuantile(counts({}), 0, 0.5)).toBeNull();
    // Two decisions in (0, 10]: the median is half way, the p90 at 9 s.
    expect(estimateQuantile(counts({ 0: 2 }), 10, 0.5)).toBe(5);
    expect(estimateQuantile(counts({ 0: 2 }), 10, 0.9)).toBe(9);
    // A bucket is never read past the longest decision seen.
    expect(estimateQuantile(counts({ 1: 1 }), 20, 0.5)).toBe(15);
    const open = DECISION_TIME_BUCKETS.length;
    const last = DECISION_TIME_BUCKETS[open - 1] as number;
    expect(estimateQuantile(counts({ [open]: 1 }), last + 100, 0.5)).toBe(last + 50);
  });
});
