/**
 * An inbox with reviewer accounts knows every reviewer, so it refuses (422
 * `quorum_unreachable`, nothing stored) a filing whose `required_approvals` more reviewers
 * than it has could ever meet: counting only those with rights to the agent and tool, among
 * the assignees (by name or group) once every escalation step has added its entries, plain
 * reviewer tokens included. An inbox without accounts cannot know and files as before.
 */
import { ErrorCode, protocol, systemClock } from "@safeguards/core";
import { InboxClient } from "@safeguards/core/internal";
import { deferCleanup, startTestInbox } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import type { ReviewerAccount } from "../src/auth/reviewer-account.js";
import { AGENT, AGENT_B, AGENT_B_KEY, AGENT_KEY, call, file } from "./helpers.js";
import { PLAIN_TOKEN, quorumRequest, STORE_KINDS, startQuorumInbox } from "./quorum-helpers.js";

const defer = deferCleanup();
const clock = { now: Date.now };

/** finance: alice (every agent), bob (the other agent only); cfo: carol; dave: another tool. */
const ACCOUNTS: ReviewerAccount[] = [
  { name: "alice", token: "token-alice-0123456789", groups: ["finance"], agents: "*" },
  { name: "bob", token: "token-bob-0123456789ab", groups: ["finance"], agents: [AGENT_B] },
  { name: "carol", token: "token-carol-0123456789", groups: ["cfo"], agents: "*" },
  { name: "dave", token: "token-dave-01234567890", tools: ["delete_customer"] },
];

const start = (store: string) =>
  startQuorumInbox(store, defer, { reviewers: { accounts: ACCOUNTS, secret: "s".repeat(32) } });

describe.each(STORE_KINDS)("quorum reachability ($name store)", (kind) => {
  it("refuses a quorum the eligible reviewers cannot reach, and stores nothing", async () => {
    const { url } = await start(await kind.location(defer));
    // financial_advisor's transfer: of finance only alice has rights (bob: other agent only).
    const body = quorumRequest(clock, { assignees: ["group:finance"], required_approvals: 2 });
    const refused = await file(url, body);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("quorum_unreachable");
    expect(refused.body.error.message).toContain("needs 2 distinct approvals");
    expect(refused.body.error.message).toContain("only 1 reviewer of this inbox");
    expect(refused.body.error.details).toEqual({ required_approvals: 2, eligible_reviewers: 1 });
    const read = await call(url, `/actions/${body.id}`, { token: PLAIN_TOKEN });
    expect(read.status).toBe(404);

    // The other agent: alice and bob both have rights, so two approvals can be met.
    const other = quorumRequest(clock, {
      agent_id: AGENT_B,
      assignees: ["group:finance"],
      required_approvals: 2,
    });
    expect((await file(url, other, AGENT_B_KEY)).status).toBe(201);
  });

  it("counts the reviewers escalation steps add, groups and plain reviewer tokens", async () => {
    const { url } = await start(await kind.location(defer));
    const withStep = quorumRequest(clock, {
      assignees: ["alice"],
      required_approvals: 2,
      escalation: [{ after_seconds: 60, assignees: ["group:cfo"] }],
    });
    expect((await file(url, withStep)).status).toBe(201);
    // A step naming someone already counted (or nobody real) adds nobody.
    const noNewcomer = quorumRequest(clock, {
      assignees: ["alice"],
      required_approvals: 2,
      escalation: [{ after_seconds: 60, assignees: ["alice", "group:nobody", "mallory"] }],
    });
    expect((await file(url, noNewcomer)).body.error.code).toBe("quorum_unreachable");
    // No assignees: every reviewer with rights to the transfer counts (alice, carol and the
    // plain token's zed; not bob, other agent only; not dave, another tool): three.
    const three = quorumRequest(clock, { required_approvals: 3 });
    expect((await file(url, three)).status).toBe(201);
    const four = quorumRequest(clock, { required_approvals: 4 });
    const refused = await file(url, four);
    expect(refused.body.error.details).toEqual({ required_approvals: 4, eligible_reviewers: 3 });
    // Assignees nobody matches cannot even reach one approval.
    const nobody = quorumRequest(clock, { assignees: ["group:nobody"] });
    expect((await file(url, nobody)).body.error.code).toBe("quorum_unreachable");
    // dave may review delete_customer only.
    const deletion = quorumRequest(clock, {
      assignees: ["dave"],
      action: { name: "delete_customer", args: { amount: "2500.00", to: "ACME" } },
    });
    expect((await file(url, deletion)).status).toBe(201);
  });
});

describe("the agent's inbox client", () => {
  it("fails the filing at once with INVALID_ARGUMENT and the inbox's reason (no retries)", async () => {
    const { url } = await start("memory");
    let retries = 0;
    const client = new InboxClient({
      baseUrl: url,
      apiKey: AGENT_KEY,
      timeoutMs: 5_000,
      maxRetries: 3,
      clock: systemClock,
      sleep: async () => {
        retries += 1;
      },
      backoffMs: 1,
    });
    defer(() => client.close());
    const body = quorumRequest(clock, { assignees: ["group:finance"], required_approvals: 2 });
    const filing = client.call(
      { method: "POST", path: "/request-approval", body },
      protocol.actionRecordSchema,
    );
    await expect(filing).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      message: expect.stringContaining("only 1 reviewer of this inbox"),
    });
    expect(retries).toBe(0);
  });
});

describe("an inbox without reviewer accounts", () => {
  it("cannot know its reviewers, so it files any quorum as before", async () => {
    const { inbox, url } = await startTestInbox({});
    defer(() => inbox.close());
    const body = quorumRequest(clock, { assignees: ["someone"], required_approvals: 5 });
    expect((await file(url, body)).status).toBe(201);
    expect(body.agent_id).toBe(AGENT);
  });
});
