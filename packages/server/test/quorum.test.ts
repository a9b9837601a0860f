import { deferCleanup } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { AGENT_KEY, call, file } from "./helpers.js";
import {
  decideBy,
  listedFor,
  PLAIN_TOKEN,
  quorumRequest,
  STORE_KINDS,
  startQuorumInbox,
  viewBy,
} from "./quorum-helpers.js";

const defer = deferCleanup();
const clock = { now: Date.now };

describe.each(STORE_KINDS)("quorum over HTTP ($name store)", (kind) => {
  const start = async () => startQuorumInbox(await kind.location(defer), defer);

  it("counts distinct approvals of assignees, refuses a second one, and settles on the last", async () => {
    const { url, inbox } = await start();
    const body = quorumRequest(clock, { assignees: ["group:finance"], required_approvals: 2 });
    expect((await file(url, body)).status).toBe(201);

    const first = await decideBy(url, "alice", body.id, { type: "approve", comments: "ok" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: "pending",
      decision: null,
      assignees: ["group:finance"],
      required_approvals: 2,
      approvals: [{ reviewer: "alice", comments: "ok" }],
    });
    const again = await decideBy(url, "alice", body.id, { type: "approve" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_approved");
    // The agent sees no decision while the quorum is not reached.
    const early = await call(url, "/decisions?since=0", { token: AGENT_KEY });
    expect(early.body.decisions.map((d: { id: string }) => d.id)).not.toContain(body.id);

    const last = await decideBy(url, "bob", body.id, { type: "approve" });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ status: "approved", approvals: [{}, {}] });
    expect(last.body.decision).toMatchObject({ type: "approve", reviewer: "bob" });
    expect(last.body.decision.approvals.map((a: { reviewer: string }) => a.reviewer)).toEqual([
      "alice",
      "bob",
    ]);
    const late = await decideBy(url, "frank", body.id, { type: "approve" });
    expect(late.body.error.code).toBe("already_decided");

    const decisions = await call(url, "/decisions?since=0", { token: AGENT_KEY });
    const mine = decisions.body.decisions.filter((d: { id: string }) => d.id === body.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].decision.approvals).toHaveLength(2);
    const audit = await inbox.service.auditLog(body.id);
    expect(audit.map((e) => [e.toStatus, e.actor])).toEqual([
      ["pending", "agent:financial_advisor"],
      ["pending", "reviewer:alice"],
      ["approved", "reviewer:bob"],
    ]);
  });

  it("lets any assignee veto with reject, approvals or not", async () => {
    const { url } = await start();
    const body = quorumRequest(clock, { assignees: ["group:finance"], required_approvals: 3 });
    await file(url, body);
    await decideBy(url, "alice", body.id, { type: "approve" });
    const veto = await decideBy(url, "bob", body.id, { type: "reject", comments: "no" });
    expect(veto.status).toBe(200);
    expect(veto.body).toMatchObject({ status: "rejected" });
    expect(veto.body.decision).toMatchObject({ type: "reject", reviewer: "bob", comments: "no" });
    expect(veto.body.decision.approvals).toMatchObject([{ reviewer: "alice" }]);
  });

  it("refuses non-assignees with 403 and leaves the action out of their lists", async () => {
    const { url } = await start();
    const body = quorumRequest(clock, { assignees: ["group:finance", "carol"] });
    await file(url, body);
    const dave = await decideBy(url, "dave", body.id, { type: "approve" });
    expect(dave.status).toBe(403);
    expect(dave.body.error.code).toBe("forbidden");
    expect((await viewBy(url, "dave", body.id)).status).toBe(403);
    expect(await listedFor(url, "dave")).not.toContain(body.id);
    expect(await listedFor(url, "alice")).toContain(body.id);
    expect(await listedFor(url, "carol")).toContain(body.id); // named
    // A plain reviewer token (no account, no groups) is an assignee only when named.
    const plain = (id: string) =>
      call(url, `/actions/${id}/decision`, { token: PLAIN_TOKEN, body: { type: "approve" } });
    expect((await plain(body.id)).status).toBe(403);
    const named = quorumRequest(clock, { assignees: ["group:finance", "zed"] });
    await file(url, named);
    expect((await plain(named.id)).body).toMatchObject({ status: "approved" });
    expect((await viewBy(url, "alice", body.id)).body.status).toBe("pending");
    // Without assignees, every reviewer with rights may decide, as before (1 approval settles).
    const open = quorumRequest(clock, {});
    await file(url, open);
    const settled = await decideBy(url, "dave", open.id, { type: "approve" });
    expect(settled.body).toMatchObject({
      status: "approved",
      assignees: null,
      required_approvals: 1,
    });
    expect(settled.body.decision.approvals).toMatchObject([{ reviewer: "dave" }]);
  });

  it("modify replaces the arguments under review, voids approvals and settles modified", async () => {
    const { url } = await start();
    const body = quorumRequest(clock, { assignees: ["group:finance"], required_approvals: 2 });
    await file(url, body);
    await decideBy(url, "alice", body.id, { type: "approve" });
    const modified = await decideBy(url, "bob", body.id, {
      type: "modify",
      response_data: { amount: "1800.00" },
    });
    expect(modified.status).toBe(200);
    expect(modified.body).toMatchObject({
      status: "pending",
      approvals: [{ reviewer: "bob" }],
      proposed_changes: { amount: "1800.00" },
      action: { args: { amount: "2500.00", to: "ACME" } }, // as filed; args_hash unchanged
      args_hash: body.args_hash,
    });
    // A modification is checked against the arguments under review: refused, nothing changes.
    const bad = await decideBy(url, "frank", body.id, {
      type: "modify",
      response_data: { amount: "lots" },
    });
    expect(bad.status).toBe(422);
    expect((await viewBy(url, "alice", body.id)).body.approvals).toMatchObject([
      { reviewer: "bob" },
    ]);
    // bob's approval counts once; alice's earlier approval was voided, so she approves again.
    expect((await decideBy(url, "bob", body.id, { type: "approve" })).body.error.code).toBe(
      "already_approved",
    );
    const last = await decideBy(url, "alice", body.id, { type: "approve" });
    expect(last.body).toMatchObject({ status: "modified" });
    expect(last.body.decision).toMatchObject({
      type: "modify",
      response_data: { amount: "1800.00" },
      reviewer: "alice",
    });
    expect(last.body.decision.approvals.map((a: { reviewer: string }) => a.reviewer)).toEqual([
      "bob",
      "alice",
    ]);
  });

  it("with required_approvals 1, approve and modify settle at once as before", async () => {
    const { url } = await start();
    const a = quorumRequest(clock, { assignees: ["alice"] });
    await file(url, a);
    const modified = await decideBy(url, "alice", a.id, {
      type: "modify",
      response_data: { amount: "100.00" },
    });
    expect(modified.body).toMatchObject({
      status: "modified",
      decision: { type: "modify", response_data: { amount: "100.00" }, reviewer: "alice" },
    });
  });

  it("settles once when the last approvals arrive together", async () => {
    const { url, inbox } = await start();
    const body = quorumRequest(clock, { assignees: ["group:finance"], required_approvals: 3 });
    await file(url, body);
    await decideBy(url, "alice", body.id, { type: "approve" });
    const answers = await Promise.all(
      ["bob", "frank", "gina"].map((r) => decideBy(url, r, body.id, { type: "approve" })),
    );
    const statuses = answers.map((a) => a.body.status ?? a.body.error.code).sort();
    expect(statuses).toEqual(["already_decided", "approved", "pending"]);
    const final = (await viewBy(url, "alice", body.id)).body;
    expect(final.status).toBe("approved");
    expect(final.decision.approvals).toHaveLength(3);
    expect(
      new Set(final.decision.approvals.map((a: { reviewer: string }) => a.reviewer)).size,
    ).toBe(3);
    const audit = await inbox.service.auditLog(body.id);
    expect(audit.filter((e) => e.toStatus === "approved")).toHaveLength(1);
    expect(audit.filter((e) => e.fromStatus === "pending")).toHaveLength(3);
    const decisions = await call(url, "/decisions?since=0", { token: AGENT_KEY });
    expect(decisions.body.decisions.filter((d: { id: string }) => d.id === body.id)).toHaveLength(
      1,
    );
  });

  it("refuses hostile quorum fields with 400 invalid_request and stores nothing", async () => {
    const { url } = await start();
    const bad = [
      { assignees: ["group:"] },
      { assignees: ["al:ice"] },
      { assignees: ["alice\u202e"] },
      { assignees: [] },
      { required_approvals: 0 },
      { required_approvals: 1000 },
      { escalation: [{ after_seconds: 7200, assignees: ["carol"] }] }, // after expires_at
      {
        escalation: [
          { after_seconds: 60, assignees: ["carol"] },
          { after_seconds: 30, assignees: ["carol"] },
        ],
      },
    ];
    for (const fields of bad) {
      const body = quorumRequest(clock, fields as object);
      const answer = await file(url, body);
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
      expect((await viewBy(url, "alice", body.id)).status).toBe(404);
    }
    // Without created_at, the inbox checks the steps against the time it received the request.
    const { created_at: _, ...noCreatedAt } = quorumRequest(clock, {
      escalation: [{ after_seconds: 3600, assignees: ["carol"] }],
    });
    const late = await file(url, noCreatedAt);
    expect(late.status).toBe(400);
    expect(late.body.error.message).toMatch(/before expires_at/);
    // Same id, other assignees: the idempotency rule covers the new fields.
    const body = quorumRequest(clock, { assignees: ["alice"] });
    expect((await file(url, body)).status).toBe(201);
    expect((await file(url, { ...body, assignees: ["dave"] })).status).toBe(409);
  });
});
