/**
 * Quotas against a real inbox on 127.0.0.1 (issue 13, finding 4): one agent can neither
 * flood the inbox with pending actions (`maxPendingPerAgent`, 429 `too_many_pending`, nothing
 * stored, even under parallel filings) nor hold unbounded long polls and event streams
 * (`maxWaitsPerAgent`, 429 `too_many_waits`, slots released when a wait ends or its client
 * disconnects). The channel reports a full quota at once as a clear SafeguardsError.
 */
import {
  createManualClock,
  ErrorCode,
  HumanActionHandler,
  isSafeguardsError,
  type SafeguardsError,
} from "@safeguards/core";
import { eventually } from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { agentChannel, fileTransaction } from "./e2e-helpers.js";
import {
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  requestBody,
  startInbox,
  tempDbPath,
} from "./helpers.js";
import { pendingRecord } from "./store-contract.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const start = async (overrides: Parameters<typeof startInbox>[0]) => {
  const started = await startInbox(overrides);
  inbox = started.inbox;
  return started.url;
};

describe("maxPendingPerAgent", () => {
  it.each([
    ["memory", () => "memory"],
    ["sqlite", tempDbPath],
  ])(
    "refuses parallel filings over the quota with 429 and stores none of them (%s)",
    async (_, store) => {
      const url = await start({ store: store(), maxPendingPerAgent: 20 });
      const bodies = Array.from({ length: 60 }, () => requestBody());
      const answers = await Promise.all(bodies.map((b) => file(url, b)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(40);
      expect(refused[0]?.body.error.code).toBe("too_many_pending");
      expect(refused[0]?.body.error.message).toMatch(/20 pending actions.*nothing was stored/);
      for (const [i, a] of answers.entries()) {
        const read = await call(url, `/actions/${bodies[i]?.id}`, { token: AGENT_KEY });
        expect(read.status).toBe(a.status === 201 ? 200 : 404);
      }
      // An idempotent retry of a stored request is still answered.
      const kept = bodies[answers.findIndex((a) => a.status === 201)];
      expect((await file(url, kept)).status).toBe(200);
      // Another agent is not affected.
      const other = await file(url, requestBody(undefined, { agent_id: AGENT_B }), AGENT_B_KEY);
      expect(other.status).toBe(201);
      // A decision frees a slot.
      await decideAs(url, kept?.id as string, { type: "reject" });
      expect((await file(url, requestBody())).status).toBe(201);
      expect((await file(url, requestBody())).status).toBe(429);
    },
  );

  it("does not count actions whose deadline has passed, swept or not", async () => {
    const clock = createManualClock(Date.parse("2030-01-01T00:00:00.000Z"));
    const url = await start({ clock, maxPendingPerAgent: 1, expirySweepMs: 3_600_000 });
    expect((await file(url, requestBody(clock, {}, 1000))).status).toBe(201);
    expect((await file(url, requestBody(clock))).status).toBe(429);
    clock.advance(1000); // the sweeper's timer fires
    expect((await file(url, requestBody(clock))).status).toBe(201);
    // Overdue, but no sweep scheduled (stored behind the sweeper's back): still not counted.
    await inbox?.store.create({
      record: pendingRecord("overdue-1", AGENT_B, -1),
      requestHash: "h",
      callbackUrl: null,
      actor: `agent:${AGENT_B}`,
      at: new Date(clock.now()).toISOString(),
    });
    const b = await file(url, requestBody(clock, { agent_id: AGENT_B }), AGENT_B_KEY);
    expect(b.status).toBe(201);
  });

  it("defaults to 10,000 and checks the option", async () => {
    const { createInbox } = await import("../src/index.js");
    expect(() => createInbox({ apiKeys: {}, store: "memory", maxPendingPerAgent: 0 })).toThrow(
      /maxPendingPerAgent/,
    );
    const { DEFAULT_MAX_PENDING_PER_AGENT } = await import("../src/inbox-options.js");
    expect(DEFAULT_MAX_PENDING_PER_AGENT).toBe(10_000);
  });

  it("fails the channel's request at once with SAFEGUARDS_QUOTA_EXCEEDED (no retries)", async () => {
    const url = await start({ maxPendingPerAgent: 1 });
    // A retry would first wait 30 s (the backoff's cap, past the test's timeout): the refusal
    // can only arrive in time without one.
    const channel = await agentChannel(url, { maxRetries: 4 }, { backoffMs: 3_600_000 });
    const handler = new HumanActionHandler(channel);
    try {
      await fileTransaction(handler);
      const error = await fileTransaction(handler).then(
        () => undefined,
        (e: unknown) => e as SafeguardsError,
      );
      const cause = (error as { cause?: unknown }).cause;
      expect(isSafeguardsError(cause, ErrorCode.QUOTA_EXCEEDED)).toBe(true);
      expect((cause as SafeguardsError).message).toMatch(/429 too_many_pending/);
      expect(error?.message).toMatch(/not approved/);
    } finally {
      handler.shutdown();
      await channel.shutdown();
    }
  });
});

describe("maxWaitsPerAgent", () => {
  const longPoll = (url: string, signal?: AbortSignal, path = "/decisions?wait=60") =>
    fetch(url + path, { headers: { authorization: `Bearer ${AGENT_KEY}` }, signal });
  const stream = (url: string, signal: AbortSignal) =>
    fetch(`${url}/decisions`, {
      headers: { authorization: `Bearer ${AGENT_KEY}`, accept: "text/event-stream" },
      signal,
    });
  const held = () => inbox?.waits.held("agent:financial_advisor");

  it("refuses waits over the cap with 429 and frees a slot on disconnect and when a wait ends", async () => {
    const url = await start({ maxWaitsPerAgent: 3 });
    const pending = await file(url, requestBody());
    const clients = [new AbortController(), new AbortController()];
    const polls = clients.map((c) => longPoll(url, c.signal).catch(() => undefined));
    const waitOne = longPoll(url, undefined, `/actions/${pending.body.id}?wait=60`);
    await eventually(() => held() === 3);
    const refused = await longPoll(url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await refused.json()).error.code).toBe("too_many_waits");
    const refusedStream = await stream(url, new AbortController().signal);
    expect(refusedStream.status).toBe(429);
    // Answers that do not wait are never refused.
    expect((await call(url, "/decisions?wait=0", { token: AGENT_KEY })).status).toBe(200);
    expect((await call(url, "/decisions?since=now", { token: AGENT_KEY })).status).toBe(200);
    // Another agent has its own slots.
    const b = await fetch(`${url}/decisions?wait=0`, {
      headers: { authorization: `Bearer ${AGENT_B_KEY}` },
    });
    expect(b.status).toBe(200);

    clients[0]?.abort(); // the client goes away
    await eventually(() => held() === 2);
    const sse = new AbortController();
    const open = await stream(url, sse.signal);
    expect(open.status).toBe(200);
    expect(held()).toBe(3);
    expect((await longPoll(url)).status).toBe(429);

    await decideAs(url, pending.body.id, { type: "approve" }); // both waits end
    expect((await waitOne).status).toBe(200);
    await eventually(() => held() === 1); // the /decisions long poll answered too
    await Promise.all(polls);

    sse.abort(); // the stream's client goes away
    await eventually(() => held() === 0);
    clients[1]?.abort();
  });

  it("releases every slot when the inbox closes", async () => {
    const url = await start({ maxWaitsPerAgent: 2 });
    const polls = [longPoll(url), stream(url, new AbortController().signal)];
    await eventually(() => held() === 2);
    await inbox?.close();
    await Promise.allSettled(polls);
    expect(held()).toBe(0);
  });
});
