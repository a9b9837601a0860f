/**
 * The audit tells what took effect: an agent reaches a real inbox over HTTP through a TCP
 * front that is cut (connections dropped, new ones refused) while a reviewer approves; the
 * agent's own deadline passes, it times out locally and does not run the action; once the
 * front is back, the channel reports its local timeout (`POST /actions/{id}/agent-timeout`),
 * and the record, the audit trail and the review page show that the agent did not act on
 * the approval. Hostile reports get clear, stable errors and change nothing.
 */
import { ActionStatus, createManualClock, HumanActionHandler } from "@safeguards/core";
import { eventually } from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { agentChannel, fileTransaction, finish, review } from "./e2e-helpers.js";
import { AGENT_B_KEY, AGENT_KEY, call, file, REVIEWER_TOKEN, requestBody } from "./helpers.js";
import { startTcpBalancer } from "./reliability/net-faults.js";
import { Browser, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const report = (url: string, id: string, body: unknown, token = AGENT_KEY) =>
  call(url, `/actions/${encodeURIComponent(id)}/agent-timeout`, { token, body });

describe("agent-timeout: the agent did not act on a decision made while it was cut off", () => {
  it("reports the local timeout once the inbox is reachable; record, audit and page show it", async () => {
    const { inbox, url, root } = await startReviewerInbox();
    cleanups.push(() => inbox.close());
    const inboxPort = Number(new URL(url).port);
    let reachable = true;
    const front = await startTcpBalancer(() => (reachable ? [inboxPort] : []));
    cleanups.push(() => front.close());
    const clock = createManualClock(Date.now());
    const streamErrors: unknown[] = [];
    const channel = await agentChannel(
      `http://127.0.0.1:${front.port}/api`,
      { maxRetries: 0, requestTimeoutSeconds: 2 },
      { backoffMs: 20, onStreamError: (error) => streamErrors.push(error) },
    );
    cleanups.push(() => channel.shutdown());
    const handlerErrors: string[] = [];
    const handler = new HumanActionHandler(channel, {
      clock,
      expiryGraceSeconds: 1,
      onError: (_error, context) => handlerErrors.push(context.phase),
    });
    cleanups.push(() => handler.shutdown());

    const action = await fileTransaction(handler, 60);
    const outcome = finish(handler, action);
    reachable = false;
    front.cut();
    await review(url, action.id, { type: "approve", comments: "fine" }); // straight to the inbox
    clock.advance(60_000); // the agent's own deadline
    await eventually(() => channel.unreportedTimeouts === 1);
    clock.advance(1_000); // its grace, should the read still hang
    expect(await outcome).toEqual({ status: ActionStatus.TIMED_OUT, ran: [] });
    expect(handlerErrors).toEqual(["expire"]); // the read at the deadline could not reach it
    const timedOutAt = new Date(clock.now() - 1_000).toISOString();

    // Still cut off: the report waits and is retried.
    await new Promise((r) => setTimeout(r, 200));
    expect(channel.unreportedTimeouts).toBe(1);
    reachable = true;
    await eventually(() => channel.unreportedTimeouts === 0, 10_000);

    const record = (await call(url, `/actions/${action.id}`, { token: AGENT_KEY })).body;
    expect(record).toMatchObject({
      status: "approved",
      decision: { type: "approve", reviewer: "alice-token-only" },
      agent_timeout: { timed_out_at: timedOutAt },
    });
    const audit = await inbox.service.auditLog(action.id);
    expect(audit.map((e) => [e.toStatus, e.actor, e.event ?? null])).toEqual([
      ["pending", "agent:financial_advisor", null],
      ["approved", "reviewer:alice-token-only", null],
      ["approved", "agent:financial_advisor", "agent_timeout"],
    ]);

    const browser = new Browser(root);
    await browser.signIn("alice", PASSWORDS.alice);
    const page = await (await browser.fetch(`/review/${action.id}`)).text();
    expect(page).toContain("The agent did not act on this decision.");
    expect(page).toContain(`<time datetime="${timedOutAt}">`);
    expect(page).toContain("<code>agent_timeout</code>: the agent did not act on the decision");
  }, 30_000);

  it("refuses hostile reports with stable codes and changes nothing", async () => {
    const { inbox, url } = await startReviewerInbox();
    cleanups.push(() => inbox.close());
    const body = requestBody();
    expect((await file(url, body)).status).toBe(201);
    const at = { timed_out_at: "2030-01-01T00:00:00Z" };
    const code = (res: { status: number; body: unknown }) => [
      res.status,
      (res.body as { error?: { code?: string } }).error?.code,
    ];

    expect(code(await report(url, body.id, at))).toEqual([409, "still_pending"]);
    await review(url, body.id, { type: "reject", comments: "no" });
    expect(code(await report(url, body.id, at, AGENT_B_KEY))).toEqual([404, "not_found"]);
    expect(code(await report(url, "act_unknown", at))).toEqual([404, "not_found"]);
    expect(code(await report(url, body.id, at, REVIEWER_TOKEN))).toEqual([403, "forbidden"]);
    expect(code(await report(url, body.id, {}))).toEqual([400, "invalid_request"]);
    expect(code(await report(url, body.id, { timed_out_at: "yesterday" }))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(code(await report(url, body.id, { ...at, extra: 1 }))).toEqual([400, "invalid_request"]);
    expect(
      code(await call(url, `/actions/${body.id}/agent-timeout`, { token: AGENT_KEY })),
    ).toEqual([405, "method_not_allowed"]);
    expect((await inbox.service.auditLog(body.id)).some((e) => e.event)).toBe(false);

    const first = await report(url, body.id, at);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: "rejected",
      agent_timeout: { timed_out_at: "2030-01-01T00:00:00.000Z" },
    });
    // The same report again (a retry after a lost answer): the same record, nothing new.
    const again = await report(url, body.id, { timed_out_at: "2030-01-01T00:00:00.000Z" });
    expect(again).toMatchObject({ status: 200, body: first.body });
    const other = await report(url, body.id, { timed_out_at: "2030-01-01T00:09:00Z" });
    expect(code(other)).toEqual([409, "conflict"]);
    expect(other.body).toMatchObject({
      error: { details: { agent_timeout: { timed_out_at: "2030-01-01T00:00:00.000Z" } } },
    });
    const events = (await inbox.service.auditLog(body.id)).filter((e) => e.event);
    expect(events).toHaveLength(1);
  });
});
