import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { HumanMessage } from "@langchain/core/messages";
import { isInterrupted } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { HumanInTheLoopChannel } from "@safeguards/core";
import type { Inbox } from "@safeguards/server";
import {
  createTestDatabase,
  deferCleanup,
  PG_TEST_URL,
  startTestInbox,
  type TestDatabase,
} from "@safeguards/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInboxBridge, type InboxBridge } from "../src/inbox-bridge.js";
import { listPendingApprovals } from "../src/resume.js";
import { listCandidateThreads } from "../src/waiting-threads.js";
import { buildPaymentsGraph, type RunLog } from "./fixtures/payments-graph.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/postgres-worker.ts", import.meta.url));
const API_KEY = "sk_test_payments_0123456789abcdef";
const REVIEWER = "rt_test_reviewer_0123456789abcdef";

/** The reviewer's script, by tool call id (c4, get_balance, needs nobody). */
const SCRIPT: Record<string, object> = {
  c1: { type: "modify", response_data: { amount: "1500.00" }, comments: "budget" },
  c2: { type: "reject", comments: "keep the customer" },
  c3: { type: "approve" },
};
/** What must run after the decisions, once each, and nothing else. */
const EXPECTED_LOG = [
  { name: "transfer_funds", args: { amount: "1500.00", to: "ACME" } },
  { name: "transfer_funds", args: { amount: "5000.00", to: "Globex" } },
  { name: "get_balance", args: { account: "main" } },
];

interface Worker {
  bridge: InboxBridge;
  resumed: { threadId: string; result: unknown }[];
  errors: unknown[];
}

describe.runIf(PG_TEST_URL)(
  "LangGraph on PostgreSQL: one worker interrupts, another resumes",
  () => {
    let db: TestDatabase;
    let inbox: Inbox;
    let inboxUrl: string;
    const defer = deferCleanup();

    beforeAll(async () => {
      db = await createTestDatabase("sg_lg");
      const saver = PostgresSaver.fromConnString(db.url);
      await saver.setup(); // once, before any worker
      await saver.end();
      ({ inbox, url: inboxUrl } = await startTestInbox({
        store: db.url, // the inbox on the same database (its own tables)
        apiKeys: { [API_KEY]: "payments" },
        reviewerTokens: { [REVIEWER]: "cfo" },
      }));
    });
    afterAll(async () => {
      await inbox?.close();
      await db?.drop();
    });

    /** Worker A: a child process that runs the graph until it interrupts, files and exits. */
    async function interruptInChild(threadId: string, ...more: string[]) {
      const { stdout } = await run(
        "pnpm",
        [
          "exec",
          "tsx",
          "--conditions=@safeguards/source",
          child,
          db.url,
          threadId,
          inboxUrl,
          API_KEY,
          ...more,
        ],
        { cwd: root, timeout: 60_000 },
      );
      return JSON.parse(stdout.trim().split("\n").at(-1)!) as {
        pid: number;
        pending: { toolCallId: string }[];
        filed: string[];
        log: RunLog;
      };
    }

    /** A worker in this process: its own PostgresSaver (own pool), channel and bridge. */
    async function worker(log: RunLog): Promise<Worker> {
      const checkpointer = PostgresSaver.fromConnString(db.url);
      const graph = buildPaymentsGraph({ checkpointer, calls: [], log });
      const channel = new HumanInTheLoopChannel();
      await channel.initialize({
        webhookUrl: inboxUrl,
        apiKey: API_KEY,
        agentId: "payments",
        longPollSeconds: 1,
      });
      const w: Worker = { resumed: [], errors: [], bridge: undefined as never };
      w.bridge = createInboxBridge({
        graph,
        channel,
        checkpointer,
        onResumed: (threadId, result) => w.resumed.push({ threadId, result }),
        onError: (error) => w.errors.push(error),
      });
      defer(async () => {
        w.bridge.stop();
        await channel.shutdown();
        await checkpointer.end();
      });
      return w;
    }

    async function decide(ids: string[]) {
      const headers = { authorization: `Bearer ${REVIEWER}`, "content-type": "application/json" };
      for (const id of ids) {
        const record = await (await fetch(`${inboxUrl}/actions/${id}`, { headers })).json();
        const body = SCRIPT[String(record.metadata.tool_call_id)];
        const res = await fetch(`${inboxUrl}/actions/${id}/decision`, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
      }
    }

    async function statuses(ids: string[]) {
      const headers = { authorization: `Bearer ${REVIEWER}` };
      const out: Record<string, string> = {};
      for (const id of ids) {
        const record = await (await fetch(`${inboxUrl}/actions/${id}`, { headers })).json();
        out[String(record.metadata.tool_call_id)] = record.status;
      }
      return out;
    }

    async function until(done: () => boolean, what: string) {
      for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!done()) throw new Error(`gave up waiting: ${what}`);
    }

    const finished = (ws: Worker[]) =>
      ws.flatMap((w) => w.resumed).filter((r) => !isInterrupted(r.result)).length;

    /** The thread as a third, fresh instance reads it back from PostgreSQL. */
    async function readBack(threadId: string) {
      const checkpointer = PostgresSaver.fromConnString(db.url);
      try {
        const graph = buildPaymentsGraph({ checkpointer, calls: [], log: [] });
        const config = { configurable: { thread_id: threadId } };
        const state = await graph.getState(config);
        const tools = (state.values.messages as { getType(): string }[])
          .filter((m) => m.getType() === "tool")
          .map((m) => {
            const t = m as unknown as { tool_call_id: string; status?: string; content: unknown };
            return {
              id: t.tool_call_id,
              status: t.status ?? "success",
              content: String(t.content),
            };
          })
          .sort((a, b) => a.id.localeCompare(b.id));
        return { tools, pending: await listPendingApprovals(graph, config) };
      } finally {
        await checkpointer.end();
      }
    }

    it("worker A (a child process) interrupts; worker B finds the thread, resumes it once, records each outcome", async () => {
      const a = await interruptInChild("thread-1");
      expect(a.pid).not.toBe(process.pid);
      expect(a.log).toEqual([]);
      expect(a.pending.map((p) => p.toolCallId).sort()).toEqual(["c1", "c2", "c3"]);
      await decide(a.filed); // while no worker runs

      const log: RunLog = [];
      const b = await worker(log);
      expect(await b.bridge.start()).toEqual(["thread-1"]);
      await until(() => finished([b]) === 1, "worker B resumes");
      await b.bridge.idle();

      expect(b.resumed).toHaveLength(1);
      expect(b.errors).toEqual([]);
      expect(log).toEqual(EXPECTED_LOG);
      const back = await readBack("thread-1");
      expect(back.pending).toEqual([]);
      expect(back.tools.map(({ id, status }) => ({ id, status }))).toEqual([
        { id: "c1", status: "success" },
        { id: "c2", status: "error" },
        { id: "c3", status: "success" },
        { id: "c4", status: "success" },
      ]);
      expect(back.tools[0]!.content).toBe("sent 1500.00 to ACME");
      expect(back.tools[1]!.content).toContain("keep the customer");
      expect(await statuses(a.filed)).toEqual({ c1: "modified", c2: "rejected", c3: "approved" });

      // nothing waits any more: the listing skips it, a second pass resumes nothing
      expect(await b.bridge.start()).toEqual([]);
      expect(await b.bridge.process("thread-1")).toBe(false);
      expect(log).toHaveLength(3);
    }, 120_000);

    it("two workers hear the same decisions (each delivered to both, and again); the thread resumes once", async () => {
      const a = await interruptInChild("thread-2");
      const log: RunLog = [];
      const [b1, b2] = [await worker(log), await worker(log)];
      // both pick the thread up before anyone decides
      expect(await Promise.all([b1.bridge.start(), b2.bridge.start()])).toEqual([
        ["thread-2"],
        ["thread-2"],
      ]);
      await decide(a.filed);
      await until(() => finished([b1, b2]) === 1, "one worker finishes the thread");
      // both hear every decision; deliver them all again by hand as well
      const again = await Promise.all([
        b1.bridge.process("thread-2"),
        b2.bridge.process("thread-2"),
        b1.bridge.process("thread-2"),
      ]);
      await new Promise((r) => setTimeout(r, 1_200)); // let the decision streams run again
      await Promise.all([b1.bridge.idle(), b2.bridge.idle()]);

      expect(again).toEqual([false, false, false]);
      expect(finished([b1, b2])).toBe(1);
      expect(log).toEqual(EXPECTED_LOG); // every approved call ran exactly once
      expect([...b1.errors, ...b2.errors]).toEqual([]);
      const back = await readBack("thread-2");
      expect(back.pending).toEqual([]);
      expect(back.tools.map((t) => t.status)).toEqual(["success", "error", "success", "success"]);
    }, 120_000);

    it("two workers filing the same thread at once end with one request per call, resumed once", async () => {
      await interruptInChild("thread-4", "nofile");
      const log: RunLog = [];
      const [b1, b2] = [await worker(log), await worker(log)];
      const [p1, p2] = await Promise.all([b1.bridge.file("thread-4"), b2.bridge.file("thread-4")]);
      expect(p1.map((p) => p.toolCallId).sort()).toEqual(["c1", "c2", "c3"]);
      expect(p2.map((p) => p.interruptId).sort()).toEqual(p1.map((p) => p.interruptId).sort());
      const headers = { authorization: `Bearer ${REVIEWER}` };
      const listed = (await (
        await fetch(`${inboxUrl}/actions?status=pending&limit=50`, { headers })
      ).json()) as { actions: { id: string; metadata: { thread_id: string } }[] };
      const ids = listed.actions
        .filter((a) => a.metadata.thread_id === "thread-4")
        .map((a) => a.id);
      expect(ids.sort()).toEqual(
        p1.map((p) => b1.bridge.requestId("thread-4", p.interruptId)).sort(),
      );
      await decide(ids);
      await until(() => finished([b1, b2]) === 1, "one worker finishes the thread");
      await Promise.all([b1.bridge.idle(), b2.bridge.idle()]);
      expect(finished([b1, b2])).toBe(1);
      expect(log).toEqual(EXPECTED_LOG);
      expect([...b1.errors, ...b2.errors]).toEqual([]);
    }, 120_000);

    it("lists only interrupted threads on PostgreSQL (no checkpoint blobs loaded)", async () => {
      const checkpointer = PostgresSaver.fromConnString(db.url);
      defer(() => checkpointer.end());
      const graph = buildPaymentsGraph({
        checkpointer,
        calls: [{ name: "get_balance", args: { account: "x" }, id: "q1" }],
        log: [],
      });
      await graph.invoke(
        { messages: [new HumanMessage("balance?")] },
        { configurable: { thread_id: "thread-free" } },
      );
      await interruptInChild("thread-3");
      const listed = await listCandidateThreads(checkpointer);
      expect(listed).toContain("thread-3");
      expect(listed).not.toContain("thread-free");
      expect(listed).not.toContain("thread-1"); // finished in the first test
    }, 120_000);
  },
);
