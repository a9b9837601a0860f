import { createManualClock } from "@safeguards/core";
import { eventually, inboxPerTest } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import type { InboxOptions } from "../src/index.js";
import {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  requestBody,
} from "./helpers.js";

const startInbox = inboxPerTest();
/** The wait-limiter key of the agent's held polls (`inbox.waits.held`). */
const WAIT_KEY = `agent:${AGENT}`;
/** How long a request may take to reach the inbox on a loaded machine (failure only). */
const WAIT_MS = 15_000;
const start = async (options: Partial<InboxOptions> = {}) => (await startInbox(options)).url;

describe("long polls", () => {
  it("GET /actions/{id}?wait is woken by the decision, not by its deadline", async () => {
    // The clock never moves: a held answer can only come from the decision's wake-up. A second
    // held poll on an undecided action is the control that stays held.
    const clock = createManualClock(Date.now());
    const { url, inbox } = await startInbox({ clock });
    const decided = requestBody(clock);
    const control = requestBody(clock);
    await file(url, decided);
    await file(url, control);
    const waiting = call(url, `/actions/${decided.id}?wait=30`, { token: AGENT_KEY });
    let controlAnswered = false;
    const held = call(url, `/actions/${control.id}?wait=30`, { token: AGENT_KEY }).finally(() => {
      controlAnswered = true;
    });
    await eventually(() => inbox.waits.held(WAIT_KEY) === 2, WAIT_MS); // both polls are held
    await decideAs(url, decided.id, { type: "approve" });
    expect((await waiting).body.status).toBe("approved");
    expect(controlAnswered).toBe(false);
    expect(inbox.waits.held(WAIT_KEY)).toBe(1);
    clock.advance(30_000); // the control's deadline: it answers, still pending
    expect((await held).body.status).toBe("pending");
  });

  it("GET /decisions?wait wakes on any of the agent's actions and answers when the wait runs out", async () => {
    const clock = createManualClock(Date.now());
    const { url, inbox } = await startInbox({ clock });
    const bodies = [requestBody(clock), requestBody(clock), requestBody(clock)];
    for (const body of bodies) await file(url, body);
    const empty = call(url, "/decisions?wait=10", { token: AGENT_KEY });
    await eventually(() => inbox.waits.held(WAIT_KEY) === 1, WAIT_MS); // its deadline is set
    clock.advance(10_000);
    expect((await empty).body).toEqual({ decisions: [], cursor: "0" });

    const waiting = call(url, "/decisions?since=0&wait=60", { token: AGENT_KEY });
    await eventually(() => inbox.waits.held(WAIT_KEY) === 1, WAIT_MS);
    await decideAs(url, bodies[1]?.id as string, { type: "reject" });
    const answer = await waiting; // the clock stands still: only the decision can end the wait
    expect(answer.body.decisions.map((d: { id: string }) => d.id)).toEqual([bodies[1]?.id]);
    expect(answer.body.cursor).not.toBe("0");
  });

  it("the /decisions cursor catches up on decisions made while the agent was away", async () => {
    const url = await start();
    const bodies = Array.from({ length: 5 }, () => requestBody());
    for (const body of bodies) await file(url, body);
    await decideAs(url, bodies[0]?.id as string, { type: "approve" });
    const first = await call(url, "/decisions", { token: AGENT_KEY });
    expect(first.body.decisions).toHaveLength(1);
    // Agent disconnected: three decisions happen meanwhile.
    await decideAs(url, bodies[2]?.id as string, { type: "reject" });
    await call(url, `/actions/${bodies[3]?.id}/cancel`, { method: "POST", token: AGENT_KEY });
    await decideAs(url, bodies[1]?.id as string, { type: "modify", response_data: { to: "B" } });
    const next = await call(url, `/decisions?since=${first.body.cursor}`, { token: AGENT_KEY });
    expect(
      next.body.decisions.map((d: { id: string; status: string }) => [d.id, d.status]),
    ).toEqual([
      [bodies[2]?.id, "rejected"],
      [bodies[3]?.id, "cancelled"],
      [bodies[1]?.id, "modified"],
    ]);
    const none = await call(url, `/decisions?since=${next.body.cursor}`, { token: AGENT_KEY });
    expect(none.body).toEqual({ decisions: [], cursor: next.body.cursor });
    const bad = await call(url, "/decisions?since=abc", { token: AGENT_KEY });
    expect(bad.status).toBe(400);
  });

  it("close() releases a held long poll with an answer", async () => {
    // The clock never moves, so the 60 s wait cannot end by itself: only close() answers it.
    const clock = createManualClock(Date.now());
    const { url, inbox } = await startInbox({ clock });
    const body = requestBody(clock);
    await file(url, body);
    const waiting = call(url, `/actions/${body.id}?wait=60`, { token: AGENT_KEY });
    await eventually(() => inbox.waits.held(WAIT_KEY) === 1, WAIT_MS);
    await inbox.close();
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe("pending");
  });

  it("streams decisions as Server-Sent Events and resumes with Last-Event-ID", async () => {
    const url = await start();
    const bodies = [requestBody(), requestBody()];
    for (const body of bodies) await file(url, body);
    await decideAs(url, bodies[0]?.id as string, { type: "approve" });
    const abort = new AbortController();
    const response = await fetch(`${url}/decisions`, {
      headers: { authorization: `Bearer ${AGENT_KEY}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (count: number) => {
      while ((text.match(/event: decision/g) ?? []).length < count) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        text += decoder.decode(chunk.value);
      }
    };
    await readUntil(1);
    await decideAs(url, bodies[1]?.id as string, { type: "reject" });
    await readUntil(2);
    abort.abort();
    const events = text.split("\n\n").filter((e) => e.includes("event: decision"));
    const ids = events.map((e) => /^id: (\d+)$/m.exec(e)?.[1]);
    const records = events.map((e) => JSON.parse(/^data: (.*)$/m.exec(e)?.[1] ?? "null"));
    expect(records.map((r) => r.id)).toEqual([bodies[0]?.id, bodies[1]?.id]);
    const resumed = await call(url, "/decisions", {
      token: AGENT_KEY,
      headers: { "last-event-id": ids[0] as string },
    });
    expect(resumed.body.decisions.map((d: { id: string }) => d.id)).toEqual([bodies[1]?.id]);
  });

  it("since=now answers at once with the key's latest cursor and no history", async () => {
    // The clock never moves: a `wait` that was not ignored would hold the answer forever.
    const clock = createManualClock(Date.now());
    const url = await start({ clock });
    const fresh = await call(url, "/decisions?since=now&wait=60", { token: AGENT_KEY });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({ decisions: [], cursor: "0" });
    const bodies = [requestBody(clock), requestBody(clock), requestBody(clock)];
    for (const body of bodies) await file(url, body);
    const other = requestBody(clock, { agent_id: AGENT_B });
    await file(url, other, AGENT_B_KEY);
    await decideAs(url, bodies[0]?.id as string, { type: "approve" });
    await decideAs(url, bodies[1]?.id as string, { type: "reject" });
    await decideAs(url, other.id, { type: "approve" }); // another key's decision, later
    const all = await call(url, "/decisions", { token: AGENT_KEY });
    expect(all.body.decisions).toHaveLength(2);
    const now = await call(url, "/decisions?since=now&wait=60", { token: AGENT_KEY });
    expect(now.body).toEqual({ decisions: [], cursor: all.body.cursor });
    const otherNow = await call(url, "/decisions?since=now", { token: AGENT_B_KEY });
    expect(Number(otherNow.body.cursor)).toBeGreaterThan(Number(now.body.cursor));
    await decideAs(url, bodies[2]?.id as string, { type: "approve" });
    const next = await call(url, `/decisions?since=${now.body.cursor}`, { token: AGENT_KEY });
    expect(next.body.decisions.map((d: { id: string }) => d.id)).toEqual([bodies[2]?.id]);
    const reviewer = await call(url, "/decisions?since=now");
    expect(reviewer.status).toBe(401);
  });

  it("the event stream with since=now sends only decisions made after it opened", async () => {
    const url = await start();
    const bodies = [requestBody(), requestBody()];
    for (const body of bodies) await file(url, body);
    await decideAs(url, bodies[0]?.id as string, { type: "approve" });
    const abort = new AbortController();
    const response = await fetch(`${url}/decisions?since=now`, {
      headers: { authorization: `Bearer ${AGENT_KEY}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    await decideAs(url, bodies[1]?.id as string, { type: "reject" });
    while (!text.includes("event: decision")) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    abort.abort();
    const ids = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] ?? "null").id);
    expect(ids).toEqual([bodies[1]?.id]);
  });
});
