/**
 * End to end races seen from the agent: a reviewer's decision racing the inbox's expiry, and
 * two reviewers deciding at once. Exactly one outcome wins, and the agent's waiter and its
 * callback see the same one as the inbox's record.
 */
import { ActionStatus, createManualClock, type HumanActionHandler } from "@safeguards/core";
import { describe, expect, it } from "vitest";
import { agentPerTest } from "./e2e-helpers.js";
import { AGENT, call, REVIEWER_B_TOKEN, REVIEWER_TOKEN } from "./helpers.js";

const startAgent = agentPerTest();

const decide = (url: string, id: string, token: string, type: string) =>
  call(url, `/actions/${id}/decision`, { token, body: { type } });

async function fileWithCallback(h: HumanActionHandler) {
  const heard: ActionStatus[] = [];
  const action = await h.requestAction({
    title: "Approve transfer",
    description: "race",
    agentId: AGENT,
    timeoutSeconds: 60,
    callbacks: [(a) => void heard.push(a.status)],
  });
  return { action, heard };
}

describe("races, as the agent sees them", () => {
  it("decision racing expiry: one outcome, the same for waiter, callback and inbox", async () => {
    const clock = createManualClock(Date.now());
    // agent and inbox share one clock, so the agent's own deadline races too
    const { url, inbox, handler } = await startAgent({ inbox: { clock }, clock });
    const outcomes = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const { action, heard } = await fileWithCallback(handler);
      const waited = handler.waitForAction(action);
      await new Promise((r) => setTimeout(r, 5));
      // rounds 0-9 race with a growing head start for the reviewer; round 10 lets the
      // reviewer finish first, round 11 expires first: both outcomes are exercised
      if (round === 11) clock.advance(61_000);
      const racing = decide(url, action.id, REVIEWER_TOKEN, "approve");
      if (round === 10) await racing;
      else await new Promise((r) => setTimeout(r, round % 10));
      if (round !== 11) clock.advance(61_000);
      const [reviewer] = await Promise.all([racing, inbox.sweepExpired()]);
      const status = await waited;
      const record = await call(url, `/actions/${action.id}`, { token: REVIEWER_TOKEN });
      expect(status).toBe(record.body.status);
      expect(reviewer.status === 200).toBe(status === ActionStatus.APPROVED);
      await new Promise((r) => setTimeout(r, 5));
      expect(heard).toEqual([status]);
      outcomes.add(status);
    }
    expect([...outcomes].sort()).toEqual(["approved", "timed_out"]);
  });

  it("two reviewers at once: exactly one wins and the agent runs on the winner", async () => {
    const { url, handler } = await startAgent();
    for (let round = 0; round < 10; round++) {
      const { action, heard } = await fileWithCallback(handler);
      const waited = handler.waitForAction(action);
      const [a, b] = await Promise.all([
        decide(url, action.id, REVIEWER_TOKEN, "approve"),
        decide(url, action.id, REVIEWER_B_TOKEN, "reject"),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? ActionStatus.APPROVED : ActionStatus.REJECTED;
      expect(await waited).toBe(winner);
      expect(action.reviewer).toBe(a.status === 200 ? "alice" : "bob");
      await new Promise((r) => setTimeout(r, 5));
      expect(heard).toEqual([winner]);
    }
  });
});
