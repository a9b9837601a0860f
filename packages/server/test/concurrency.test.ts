import { createManualClock } from "@safeguards/core";
import { inboxPerTest } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import {
  AGENT_KEY,
  call,
  decideAs,
  file,
  REVIEWER_B_TOKEN,
  REVIEWER_TOKEN,
  requestBody,
  tempDbPath,
} from "./helpers.js";

const start = inboxPerTest();

describe("first decision wins", () => {
  it.each(["memory", "sqlite"])("with concurrent decisions (%s)", async (kind) => {
    const store = kind === "memory" ? "memory" : tempDbPath();
    const { url, inbox } = await start({ store });
    const bodies = Array.from({ length: 10 }, () => requestBody());
    for (const body of bodies) expect((await file(url, body)).status).toBe(201);
    for (const body of bodies) {
      const attempts = await Promise.all([
        decideAs(url, body.id, { type: "approve" }),
        decideAs(url, body.id, { type: "reject" }, REVIEWER_B_TOKEN),
        decideAs(url, body.id, { type: "modify", response_data: { amount: "1.00" } }),
        call(url, `/actions/${body.id}/cancel`, { method: "POST", token: AGENT_KEY }),
      ]);
      const winners = attempts.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of attempts.filter((a) => a.status !== 200)) {
        expect(loser.status).toBe(409);
        expect(loser.body.error.code).toBe("already_decided");
        expect(loser.body.error.details.status).toBe(winners[0]?.body.status);
      }
      const audit = await inbox.store.auditLog(body.id);
      expect(audit.map((e) => e.toStatus)).toEqual(["pending", winners[0]?.body.status]);
    }
  });

  it("with two inboxes on one SQLite file", async () => {
    const path = tempDbPath();
    const a = await start({ store: path });
    const b = await start({ store: path });
    const bodies = Array.from({ length: 10 }, () => requestBody());
    for (const body of bodies) await file(a.url, body);
    for (const body of bodies) {
      const attempts = await Promise.all([
        decideAs(a.url, body.id, { type: "approve" }),
        decideAs(b.url, body.id, { type: "reject" }),
      ]);
      expect(attempts.filter((r) => r.status === 200)).toHaveLength(1);
      expect(attempts.filter((r) => r.status === 409)).toHaveLength(1);
    }
    const seen = await call(b.url, "/decisions", { token: AGENT_KEY });
    expect(seen.body.decisions).toHaveLength(10);
    const seqs = seen.body.decisions.map((d: { id: string }) => d.id);
    expect(new Set(seqs).size).toBe(10);
  });
});

describe("decision racing expiry", () => {
  it.each(["memory", "sqlite"])("has exactly one outcome, seen by all (%s)", async (kind) => {
    const clock = createManualClock(Date.now());
    const store = kind === "memory" ? "memory" : tempDbPath();
    const { url, inbox } = await start({ store, clock });
    const outcomes = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const body = requestBody(clock, {}, 1000);
      await file(url, body);
      const waiter = call(url, `/actions/${body.id}?wait=30`, { token: AGENT_KEY });
      const decision = decideAs(url, body.id, { type: "approve" });
      // Expire at a varying moment relative to the decision in flight.
      await new Promise((r) => setTimeout(r, i % 4));
      clock.advance(1000);
      await inbox.sweepExpired();
      const [decided, waited] = await Promise.all([decision, waiter]);
      const final = await call(url, `/actions/${body.id}`, { token: REVIEWER_TOKEN });
      if (decided.status === 200) {
        expect(final.body.status).toBe("approved");
      } else {
        expect(decided.status).toBe(409);
        expect(decided.body.error.code).toBe("expired");
        expect(final.body.status).toBe("timed_out");
        expect(final.body.decision).toMatchObject({ type: "timeout", reviewer: null });
      }
      expect(waited.body.status).toBe(final.body.status);
      const audit = await inbox.store.auditLog(body.id);
      expect(audit.map((e) => e.toStatus)).toEqual(["pending", final.body.status]);
      outcomes.set(body.id, final.body.status);
    }
    const stream = await call(url, "/decisions", { token: AGENT_KEY });
    expect(stream.body.decisions).toHaveLength(20);
    for (const record of stream.body.decisions) expect(record.status).toBe(outcomes.get(record.id));
  });

  it("refuses a decision after expires_at even before the sweeper ran", async () => {
    const clock = createManualClock(Date.now());
    const { url } = await start({ clock, expirySweepMs: 3_600_000 });
    const body = requestBody(clock, {}, 1000);
    await file(url, body);
    clock.advance(1000);
    const retry = await file(url, body);
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe("timed_out");
    const res = await decideAs(url, body.id, { type: "approve" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("expired");
    const record = await call(url, `/actions/${body.id}`, { token: AGENT_KEY });
    expect(record.body.status).toBe("timed_out");
    const cancel = await call(url, `/actions/${body.id}/cancel`, {
      method: "POST",
      token: AGENT_KEY,
    });
    expect(cancel.body.error.code).toBe("expired");
  });

  it("the sweeper times out due actions by itself", async () => {
    const clock = createManualClock(Date.now());
    const { url, inbox } = await start({ clock });
    const body = requestBody(clock, {}, 5000);
    await file(url, body);
    const decided = new Promise((resolve) => inbox.on("action.decided", resolve));
    clock.advance(5000);
    await decided;
    const stream = await call(url, "/decisions", { token: AGENT_KEY });
    expect(stream.body.decisions.map((d: { status: string }) => d.status)).toEqual(["timed_out"]);
    const audit = await inbox.store.auditLog(body.id);
    expect(audit[1]).toMatchObject({ toStatus: "timed_out", actor: "system:expiry" });
  });
});
