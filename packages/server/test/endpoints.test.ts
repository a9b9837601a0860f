import { hashArgs } from "@safeguards/core";
import { inboxPerTest } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import {
  AGENT,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  REVIEWER_TOKEN,
  requestBody,
} from "./helpers.js";

const startInbox = inboxPerTest();
const start = async () => (await startInbox()).url;

describe("POST /request-approval", () => {
  it("answers 201 with the pending record and review_url", async () => {
    const url = await start();
    const body = requestBody();
    const res = await file(url, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: body.id,
      status: "pending",
      agent_id: AGENT,
      decision: null,
      args_hash: body.args_hash,
      action: body.action,
    });
    expect(res.body.review_url).toBe(`${new URL(url).origin}/review/${body.id}`);
  });

  it("is idempotent by id: same body 200 with the stored record, other body 409", async () => {
    const url = await start();
    const body = requestBody();
    const first = await file(url, body);
    const again = await file(url, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await file(url, { ...body, title: "something else" });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("conflict");
    const list = await call(url, "/actions", { token: REVIEWER_TOKEN });
    expect(list.body.actions).toHaveLength(1);
    expect(list.body.actions[0].title).toBe(body.title);
  });

  it("refuses a wrong args_hash with 422 args_hash_mismatch", async () => {
    const url = await start();
    const body = requestBody(undefined, { args_hash: hashArgs({ amount: "1.00" }) });
    const res = await file(url, body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("args_hash_mismatch");
  });

  it("refuses an args_schema whose pattern backtracks catastrophically on the args (400, no hang)", async () => {
    const url = await start();
    const args = { code: `${"a".repeat(40)}!` };
    const action = {
      name: "lookup",
      args,
      args_schema: { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } } },
    };
    const body = requestBody(undefined, { action, args_hash: hashArgs(args) });
    const res = await file(url, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_request" });
    expect(res.body.error.message).toMatch(/args_schema cannot be used: checking took longer than/);
    expect((await file(url, requestBody())).status).toBe(201); // and the inbox still answers
  });

  it("refuses a malformed args_hash, a past expiry and a missing field with 400", async () => {
    const url = await start();
    for (const body of [
      requestBody(undefined, { args_hash: "md5:abc" }),
      requestBody(undefined, { expires_at: new Date(Date.now() - 1000).toISOString() }),
      { ...requestBody(), title: undefined },
      { ...requestBody(), severity: "SEVERE" },
    ]) {
      const res = await file(url, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
  });

  it("refuses a body whose agent_id is not the key's agent with 403", async () => {
    const url = await start();
    const res = await file(url, requestBody(), AGENT_B_KEY);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });
});

describe("GET /actions/{id}", () => {
  it("answers the record to its agent and to reviewers, 404 for unknown ids", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    expect((await call(url, `/actions/${body.id}`, { token: AGENT_KEY })).body.id).toBe(body.id);
    expect((await call(url, `/actions/${body.id}`, { token: REVIEWER_TOKEN })).status).toBe(200);
    const missing = await call(url, "/actions/act_nope", { token: AGENT_KEY });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("refuses a bad wait with 400", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    for (const wait of ["61", "-1", "abc", "1e3"]) {
      const res = await call(url, `/actions/${body.id}?wait=${wait}`, { token: AGENT_KEY });
      expect(res.status).toBe(400);
    }
  });
});

describe("POST /actions/{id}/decision", () => {
  it("approves; the reviewer is the authenticated one; a second decision gets 409 already_decided", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const res = await decideAs(url, body.id, { type: "approve", comments: "ok" });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("approved");
    expect(res.body.decision).toMatchObject({ type: "approve", reviewer: "alice", comments: "ok" });
    const again = await decideAs(url, body.id, { type: "reject" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_decided");
  });

  it("refuses a reviewer name in the body", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const res = await decideAs(url, body.id, { type: "approve", reviewer: "mallory" });
    expect(res.status).toBe(400);
    expect((await call(url, `/actions/${body.id}`, { token: AGENT_KEY })).body.status).toBe(
      "pending",
    );
  });

  it("modify: changes existing fields, validated against args_schema; bad ones stay pending", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const unknown = await decideAs(url, body.id, { type: "modify", response_data: { memo: "x" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe("invalid_modification");
    expect(unknown.body.error.details.unknown_fields).toEqual(["memo"]);
    const invalid = await decideAs(url, body.id, {
      type: "modify",
      response_data: { amount: "lots" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe("invalid_modification");
    const empty = await decideAs(url, body.id, { type: "modify", response_data: {} });
    expect(empty.status).toBe(422);
    expect((await call(url, `/actions/${body.id}`, { token: AGENT_KEY })).body.status).toBe(
      "pending",
    );
    const ok = await decideAs(url, body.id, {
      type: "modify",
      response_data: { amount: "1800.00" },
      comments: "reduced",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("modified");
    expect(ok.body.decision.response_data).toEqual({ amount: "1800.00" });
  });

  it("modify without an action changes metadata fields", async () => {
    const url = await start();
    const { action: _a, args_hash: _h, ...body } = requestBody();
    await file(url, body);
    const bad = await decideAs(url, body.id, { type: "modify", response_data: { nope: 1 } });
    expect(bad.status).toBe(422);
    const ok = await decideAs(url, body.id, { type: "modify", response_data: { amount: "10.00" } });
    expect(ok.status).toBe(200);
    expect(ok.body.decision.response_data).toEqual({ amount: "10.00" });
  });

  it("refuses a decision type that is not allowed with 422 decision_not_allowed", async () => {
    const url = await start();
    const body = requestBody(undefined, { allowed_decisions: ["approve", "reject"] });
    await file(url, body);
    const res = await decideAs(url, body.id, { type: "modify", response_data: { amount: "1.00" } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("decision_not_allowed");
  });

  it("answers 404 for an unknown action and 400 for a malformed id", async () => {
    const url = await start();
    expect((await decideAs(url, "act_missing", { type: "approve" })).status).toBe(404);
    const bad = await decideAs(url, "a b<c>", { type: "approve" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
  });
});

describe("POST /actions/{id}/cancel", () => {
  it("cancels a pending action once, then 409", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const res = await call(url, `/actions/${body.id}/cancel`, { method: "POST", token: AGENT_KEY });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("cancelled");
    expect(res.body.decision.type).toBe("cancel");
    const again = await call(url, `/actions/${body.id}/cancel`, {
      method: "POST",
      token: AGENT_KEY,
    });
    expect(again.status).toBe(409);
    expect((await decideAs(url, body.id, { type: "approve" })).body.error.code).toBe(
      "already_decided",
    );
  });
});

describe("GET /actions (reviewer list)", () => {
  it("lists newest first, filters by status and paginates", async () => {
    const url = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = requestBody();
      ids.push(body.id);
      await file(url, body);
    }
    await decideAs(url, ids[0] as string, { type: "reject" });
    const page1 = await call(url, "/actions?status=pending&limit=2", { token: REVIEWER_TOKEN });
    expect(page1.status).toBe(200);
    expect(page1.body.actions.map((a: { id: string }) => a.id)).toEqual([ids[4], ids[3]]);
    const page2 = await call(
      url,
      `/actions?status=pending&limit=2&cursor=${page1.body.next_cursor}`,
      {
        token: REVIEWER_TOKEN,
      },
    );
    expect(page2.body.actions.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    expect(page2.body.next_cursor).toBeNull();
    const rejected = await call(url, "/actions?status=rejected", { token: REVIEWER_TOKEN });
    expect(rejected.body.actions.map((a: { id: string }) => a.id)).toEqual([ids[0]]);
    for (const q of ["status=nope", "limit=0", "limit=500", "cursor=%00"]) {
      expect((await call(url, `/actions?${q}`, { token: REVIEWER_TOKEN })).status).toBe(400);
    }
  });
});

describe("extension events", () => {
  it("tells listeners when an action is created and decided; a throwing listener breaks nothing", async () => {
    const { url, inbox } = await startInbox();
    const seen: string[] = [];
    inbox.on("action.created", (e) => {
      seen.push(`created:${e.action.id}:${e.action.status}`);
    });
    inbox.on("action.decided", (e) => {
      seen.push(`decided:${e.action.id}:${e.action.status}:${e.actor}`);
    });
    inbox.on("action.decided", () => {
      throw new Error("listener bug");
    });
    const body = requestBody();
    await file(url, body);
    await file(url, body); // an idempotent retry is not a new action
    expect((await decideAs(url, body.id, { type: "approve" })).status).toBe(200);
    expect(seen).toEqual([
      `created:${body.id}:pending`,
      `decided:${body.id}:approved:reviewer:alice`,
    ]);
  });
});

describe("routing", () => {
  it("answers 404 for unknown paths and 405 for wrong methods, with the error body", async () => {
    const url = await start();
    const unknown = await call(url, "/nothing-here", { token: AGENT_KEY });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    const wrong = await call(url, "/request-approval", { method: "GET", token: AGENT_KEY });
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe("method_not_allowed");
  });
});
