import { createManualClock, hashArgs, type ManualClock } from "@safeguards/core";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/create-inbox.js";
import type { StatsReport } from "../src/inbox/stats-report.js";
import {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  requestBody,
  tempDbPath,
} from "./helpers.js";
import { ALICE_API_TOKEN, BOB_API_TOKEN, startReviewerInbox, testAccounts } from "./ui-helpers.js";

/** tina may see the `delete_customer` tool of every agent, nothing else. */
const TINA_TOKEN = "tina-account-token-00000";
const accounts = () => [
  ...testAccounts(),
  {
    name: "tina",
    passwordHash: bcrypt.hashSync("tina-pw-1234", 4),
    token: TINA_TOKEN,
    tools: ["delete_customer"],
  },
];

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const T0 = Date.parse("2030-03-01T12:00:00.000Z");

async function started(store: string, clock: ManualClock) {
  const s = await startReviewerInbox({ accounts: accounts() }, { clock, store });
  inbox = s.inbox;
  return s.url;
}

const stats = async (url: string, token: string, query = "?range=24h") => {
  const answer = await call(url, `/stats${query}`, { token });
  expect(answer.status).toBe(200);
  expect(answer.headers.get("cache-control")).toBe("no-store");
  return answer.body as StatsReport;
};

/**
 * Files four actions on the injected clock: alice approves one after 30 s, bob rejects one
 * after 2 min, two stay pending (one of them assigned to alice only).
 */
async function scenario(url: string, clock: ManualClock) {
  const ids = {
    approved: "st-approved",
    onlyAlice: "st-only-alice",
    rejected: "st-rejected",
    pending: "st-pending",
  };
  const tool = (name: string) => ({ action: { name, args: {} }, args_hash: hashArgs({}) });
  const fileOk = async (body: unknown, key = AGENT_KEY) =>
    expect((await file(url, body, key)).status).toBe(201);
  await fileOk(requestBody(clock, { id: ids.pending, ...tool("delete_customer") }, 86_400_000));
  clock.advance(1000);
  await fileOk(requestBody(clock, { id: ids.approved }, 86_400_000));
  await fileOk(
    requestBody(clock, { id: ids.onlyAlice, agent_id: AGENT_B, assignees: ["alice"] }, 86_400_000),
    AGENT_B_KEY,
  );
  await fileOk(
    requestBody(
      clock,
      { id: ids.rejected, agent_id: AGENT_B, ...tool("delete_customer") },
      86_400_000,
    ),
    AGENT_B_KEY,
  );
  clock.advance(30_000);
  expect((await decideAs(url, ids.approved, { type: "approve" }, ALICE_API_TOKEN)).status).toBe(
    200,
  );
  clock.advance(90_000);
  expect((await decideAs(url, ids.rejected, { type: "reject" }, BOB_API_TOKEN)).status).toBe(200);
  clock.advance(60_000);
  return ids;
}

const toolsOf = (r: StatsReport) => r.outcomes.map((o) => [o.tool, o.total]);
const slowIds = (r: StatsReport) => r.slowest_pending.map((a) => a.id);

describe.each([
  ["memory", () => "memory"],
  ["sqlite", () => tempDbPath()],
])("GET /api/stats (%s store)", (_kind, storeOf) => {
  it("answers each reviewer only what their rights and assignments allow", async () => {
    const clock = createManualClock(T0);
    const url = await started(storeOf(), clock);
    const ids = await scenario(url, clock);
    const zero = { approved: 0, modified: 0, rejected: 0, timed_out: 0, cancelled: 0 };

    const alice = await stats(url, ALICE_API_TOKEN);
    expect(alice).toMatchObject({
      range: "24h",
      until: new Date(T0 + 181_000).toISOString(),
      // Bins are whole UTC hours: the range starts at the hour holding now - 24 h.
      since: new Date(T0 - 86_400_000).toISOString(),
      bin_seconds: 3600,
    });
    expect(toolsOf(alice)).toEqual([
      ["delete_customer", { ...zero, rejected: 1 }],
      ["transfer_funds", { ...zero, approved: 1 }],
    ]);
    expect(alice.backlog).toHaveLength(25); // the last one: the current, partial hour
    expect(alice.backlog.at(-1)).toEqual({ at: alice.until, pending: 2 });
    expect(alice.backlog.at(-2)?.pending).toBe(0);
    expect(slowIds(alice)).toEqual([ids.pending, ids.onlyAlice]);
    expect(alice.slowest_pending[0]).toMatchObject({
      agent_id: AGENT,
      tool: "delete_customer",
      waiting_seconds: 181,
      escalations: 0,
    });
    // 30 s and 120 s: buckets (10, 30] and (60, 120]; quantiles interpolated inside them.
    expect(alice.decision_time.overall).toMatchObject({
      count: 2,
      median_seconds: 30,
      p90_seconds: 108,
    });
    expect(alice.decision_time.overall.buckets.slice(0, 4)).toEqual([
      { up_to_seconds: 10, count: 0 },
      { up_to_seconds: 30, count: 1 },
      { up_to_seconds: 60, count: 0 },
      { up_to_seconds: 120, count: 1 },
    ]);
    expect(alice.decision_time.overall.buckets.at(-1)).toEqual({ up_to_seconds: null, count: 0 });
    expect(alice.decision_time.by_agent.map((s) => [s.key, s.count])).toEqual([
      [AGENT, 1],
      [AGENT_B, 1],
    ]);

    // bob: only the other agent, and not an assignee of the action assigned to alice.
    const bob = await stats(url, BOB_API_TOKEN);
    expect(toolsOf(bob)).toEqual([["delete_customer", { ...zero, rejected: 1 }]]);
    expect(bob.backlog.every((p) => p.pending === 0)).toBe(true);
    expect(slowIds(bob)).toEqual([]);
    expect(bob.decision_time.by_agent.map((s) => s.key)).toEqual([AGENT_B]);
    expect(bob.decision_time.by_tool.map((s) => [s.key, s.median_seconds])).toEqual([
      ["delete_customer", 90],
    ]);

    // tina: the delete_customer tool of every agent.
    const tina = await stats(url, TINA_TOKEN);
    expect(toolsOf(tina)).toEqual([["delete_customer", { ...zero, rejected: 1 }]]);
    expect(tina.backlog.at(-1)?.pending).toBe(1);
    expect(slowIds(tina)).toEqual([ids.pending]);
    expect(tina.decision_time.overall.count).toBe(1);
  });
});

describe("GET /api/stats: who may ask, and hostile input", () => {
  it("refuses callers without a reviewer credential, and bad ranges with invalid_request", async () => {
    const clock = createManualClock(T0);
    const url = await started("memory", clock);
    expect((await call(url, "/stats")).status).toBe(401);
    expect((await call(url, "/stats", { token: "nope" })).body.error.code).toBe("unauthorized");
    const agent = await call(url, "/stats?range=24h", { token: AGENT_KEY });
    expect([agent.status, agent.body.error.code]).toEqual([403, "forbidden"]);
    expect((await call(url, "/stats", { token: ALICE_API_TOKEN, method: "POST" })).status).toBe(
      405,
    );

    const defaulted = await stats(url, ALICE_API_TOKEN, "");
    // Now (T0) is on an hour and a 6-hour edge: the span plus the current bin, 25 and 29 bins.
    expect([defaulted.range, defaulted.backlog.length]).toEqual(["24h", 25]);
    expect((await stats(url, ALICE_API_TOKEN, "?range=7d")).backlog).toHaveLength(29);
    const month = await stats(url, ALICE_API_TOKEN, "?range=30d&other=1");
    // Whole UTC days from the midnight before now - 30 d (now is after 12:00 UTC).
    expect([month.since, month.backlog.length, month.bin_seconds]).toEqual([
      new Date(T0 - 30 * 86_400_000 - 12 * 3_600_000).toISOString(),
      31,
      86_400,
    ]);

    for (const query of [
      "?range=1y",
      "?range=",
      "?range=24H",
      "?range=24h&range=7d",
      "?range=24h&range=24h",
      `?range=${"7".repeat(10_000)}d`,
      "?range=__proto__",
      "?range=toString",
      "?range=constructor",
      "?range=24h%00",
      "?range=%E2%80%AE24h",
    ]) {
      const answer = await call(url, `/stats${query}`, { token: ALICE_API_TOKEN });
      expect([query.slice(0, 40), answer.status, answer.body.error?.code]).toEqual([
        query.slice(0, 40),
        400,
        "invalid_request",
      ]);
    }
  });
});
