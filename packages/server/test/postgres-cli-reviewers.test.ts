/**
 * Three inbox processes started through the CLI on one throwaway PostgreSQL database, with
 * the reviewer side on: A and B post to Slack (the local Slack double), C does not. The live
 * list of A, read by a real SSE client, shows what is filed and decided through B, and an
 * approval of a four-eyes action recorded through B (the action still pending); a
 * decision through another instance updates the Slack message A posted, with exactly one
 * `chat.update` whichever instances hear it; a Slack button on B updates through its
 * `response_url` only.
 */
import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type SlackDouble,
  startSlackDouble,
  type TestDatabase,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_SLACK_SECRET, rootOf, startReviewerInstances } from "./cli-instances.js";
import { call, file, requestBody } from "./helpers.js";
import type { InboxProcess } from "./reliability/inbox-process.js";
import { clickSlackButton } from "./slack-click.js";
import { ALICE_API_TOKEN, Browser, openLiveEvents, PASSWORDS } from "./ui-helpers.js";

describe.runIf(PG_TEST_URL)(
  "reviewer side across CLI instances on one PostgreSQL",
  {
    timeout: 60_000,
  },
  () => {
    let db: TestDatabase;
    let slack: SlackDouble;
    let admin: pg.Pool;
    let a: InboxProcess;
    let b: InboxProcess;
    let c: InboxProcess;

    beforeAll(async () => {
      db = await createTestDatabase();
      slack = await startSlackDouble();
      admin = new pg.Pool({ connectionString: db.url, max: 1 });
      [a, b, c] = (await startReviewerInstances(db.url, [true, true, false], slack.url)) as [
        InboxProcess,
        InboxProcess,
        InboxProcess,
      ];
    }, 60_000);
    afterAll(async () => {
      for (const p of [a, b, c]) expect(await p?.stop()).toBe(0);
      await admin?.end();
      await slack?.close();
      await db?.drop();
    });

    /** The ts of the message posted for `id`, once posted. */
    const postedTs = async (id: string) => {
      const isPost = (call: SlackDouble["calls"][number]) =>
        call.path === "/api/chat.postMessage" && JSON.stringify(call.body.blocks).includes(id);
      await eventually(() => slack.calls.some((call) => isPost(call) && call.ts));
      return slack.calls.find(isPost)?.ts as string;
    };
    const updates = () => slack.calls.filter((c) => c.path === "/api/chat.update");
    const storedMessages = async () =>
      Number((await admin.query("SELECT count(*) AS n FROM slack_messages")).rows[0].n);
    const decide = (p: InboxProcess, id: string, type: string) =>
      call(p.url, `/actions/${id}/decision`, { token: ALICE_API_TOKEN, body: { type } });

    it("A's live list (a real SSE client) shows actions filed and decided through B", async () => {
      const reviewer = new Browser(rootOf(a));
      expect((await reviewer.signIn("alice", PASSWORDS.alice)).status).toBe(303);
      const events = await openLiveEvents(reviewer);
      try {
        const body = requestBody();
        expect((await file(b.url, body)).status).toBe(201);
        expect(await events.next()).toEqual({ id: body.id, status: "pending" });
        expect(await (await reviewer.fetch("/ui/rows")).text()).toContain(body.id);
        expect((await decide(b, body.id, "approve")).status).toBe(200);
        expect(await events.next()).toEqual({ id: body.id, status: "approved" });
        expect(await (await reviewer.fetch("/ui/rows")).text()).not.toContain(body.id);
      } finally {
        await events.close();
      }
    });

    it("A's live list hears an approval of a four-eyes action recorded through B", async () => {
      const reviewer = new Browser(rootOf(a));
      expect((await reviewer.signIn("alice", PASSWORDS.alice)).status).toBe(303);
      const events = await openLiveEvents(reviewer);
      try {
        const body = requestBody(undefined, { required_approvals: 2 });
        expect((await file(b.url, body)).status).toBe(201);
        expect(await events.next()).toEqual({ id: body.id, status: "pending" });
        const first = await decide(b, body.id, "approve");
        expect(first.status).toBe(200);
        expect(first.body.status).toBe("pending");
        expect(await events.next()).toEqual({ id: body.id, status: "pending" });
        const rows = await (await reviewer.fetch("/ui/rows")).text();
        expect(rows).toContain(body.id);
        expect(rows).toContain("1 of 2");
        // Settle it, so that the next tests find no Slack message left and no update of this
        // one still on its way (a count refresh holds the message's claim for a moment, so
        // "nothing stored" alone does not mean its last update was sent).
        const ts = await postedTs(body.id);
        expect((await decide(b, body.id, "reject")).body.status).toBe("rejected");
        await eventually(
          async () =>
            updates().some(
              (u) => u.body.ts === ts && JSON.stringify(u.body.blocks).includes("REJECTED"),
            ) && (await storedMessages()) === 0,
        );
      } finally {
        await events.close();
      }
    });

    it("a decision through C (no Slack) updates the message A posted, with one chat.update", async () => {
      const body = requestBody();
      const before = updates().length;
      await file(a.url, body);
      const ts = await postedTs(body.id);
      await eventually(async () => (await storedMessages()) === 1);
      expect((await decide(c, body.id, "reject")).status).toBe(200);
      // Once the stored message is taken, no instance can update it again.
      await eventually(async () => updates().length > before && (await storedMessages()) === 0);
      const mine = updates().slice(before);
      expect(mine.map((u) => u.body.ts)).toEqual([ts]);
      expect(JSON.stringify(mine[0]?.body.blocks)).toContain("REJECTED* by alice");
    });

    it("with A and B both on Slack, each message is updated exactly once", async () => {
      const before = updates().length;
      const bodies = Array.from({ length: 8 }, () => requestBody());
      for (const body of bodies) expect((await file(a.url, body)).status).toBe(201);
      const ts = await Promise.all(bodies.map((body) => postedTs(body.id)));
      await eventually(async () => (await storedMessages()) === bodies.length);
      const decided = await Promise.all(bodies.map((body) => decide(b, body.id, "approve")));
      expect(decided.map((r) => r.status)).toEqual(bodies.map(() => 200));
      await eventually(async () => (await storedMessages()) === 0);
      await eventually(() => updates().length === before + bodies.length);
      expect(
        updates()
          .slice(before)
          .map((u) => u.body.ts)
          .sort(),
      ).toEqual([...ts].sort());
    });

    it("a Slack button on B replaces A's message through response_url, with no chat.update", async () => {
      const before = updates().length;
      const body = requestBody();
      await file(a.url, body);
      await postedTs(body.id);
      await eventually(async () => (await storedMessages()) === 1);
      const res = await clickSlackButton(rootOf(b), CLI_SLACK_SECRET, Date.now(), {
        user: "UALICE",
        actionId: "safeguards_approve",
        id: body.id,
        responseUrl: `${slack.url}/response/cli`,
      });
      expect(res.status).toBe(200);
      await eventually(() => slack.calls.some((call) => call.path === "/response/cli"));
      const replaced = slack.calls.find((call) => call.path === "/response/cli")?.body;
      expect(replaced.replace_original).toBe(true);
      expect(JSON.stringify(replaced.blocks)).toContain("APPROVED* by alice");
      // The claim was taken before deciding: nothing is left for A or B to update.
      expect(await storedMessages()).toBe(0);
      // A later action's update (a signal that both instances handled what came before).
      const later = requestBody();
      await file(a.url, later);
      const laterTs = await postedTs(later.id);
      await decide(b, later.id, "reject");
      await eventually(() => updates().some((u) => u.body.ts === laterTs));
      expect(
        updates()
          .slice(before)
          .map((u) => u.body.ts),
      ).toEqual([laterTs]);
    });
  },
);
