/**
 * The official LangGraph server (`langgraphjs dev`, @langchain/langgraph-cli 2.0.0) driven by
 * the official SDK client (@langchain/langgraph-sdk 2.0.0): a graph that fans out with `Send`
 * to two interrupting tasks, one keyed resume, and what a client sees when a node throws
 * during a resume. One server serves the whole file.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Client } from "@langchain/langgraph-sdk";
import { hashArgs } from "@safeguards/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAIL_ANSWER } from "./fixtures/server-fanout-graph.js";
import { type LangGraphServer, startLangGraphServer } from "./support/langgraph-server.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url)); // packages/langchain
const GRAPH = "fanout";
const REFUSAL = { error: "ReviewerRefusedError", message: "task 1 refused: reviewer said fail" };

interface Pending {
  id: string;
  value: { n: number; kind: string; argsHash: string };
}

/** Command lines of the running processes that mention `text` (Linux /proc). */
const processesMentioning = (text: string) =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      } catch {
        return ""; // gone meanwhile
      }
    })
    .filter((cmdline) => cmdline.includes(text));

let server: LangGraphServer;
let client: Client;

beforeAll(async () => {
  server = await startLangGraphServer({
    cwd: PACKAGE_DIR,
    graphs: { [GRAPH]: "./test/fixtures/server-fanout-graph.ts:fanoutGraph" },
  });
  client = server.client;
}, 90_000);

afterAll(async () => {
  if (!server) return;
  await server.stop();
  // Nothing left: no process of the group (CLI, tsx watch, server, esbuild), no temp dir.
  expect(processesMentioning(server.dir)).toEqual([]);
  expect(existsSync(server.dir)).toBe(false);
});

/** A new thread run up to its two pending interrupts (read from `getState`). */
async function interruptedThread() {
  const { thread_id: threadId } = await client.threads.create();
  const first = (await client.runs.wait(threadId, GRAPH, { input: { count: 2 } })) as {
    __interrupt__?: Pending[];
  };
  const state = await client.threads.getState(threadId);
  const pending = state.tasks
    .flatMap((task) => task.interrupts as Pending[])
    .sort((a, b) => a.value.n - b.value.n);
  const [one, two] = pending;
  if (!one || !two || pending.length !== 2) throw new Error("expected two pending interrupts");
  return { threadId, first, pending, one, two };
}

describe("official LangGraph server + SDK client", () => {
  it("surfaces both Send-task interrupts and finishes after one keyed resume", async () => {
    const { threadId, first, pending, one, two } = await interruptedThread();

    // The served graph ran our TypeScript sources: the payload carries core's hash.
    expect(pending.map((p) => p.value)).toEqual([
      { n: 1, kind: "safeguards.approval", argsHash: hashArgs({ n: 1 }) },
      { n: 2, kind: "safeguards.approval", argsHash: hashArgs({ n: 2 }) },
    ]);
    expect(one.id).not.toBe(two.id);
    // runs.wait answers with the LAST values chunk, and each interrupt arrives in a chunk of
    // its own: its `__interrupt__` holds only one of the two. Read getState (or the thread's
    // `interrupts`) to see them all.
    expect(first.__interrupt__).toHaveLength(1);
    expect(pending.map((p) => p.id)).toContain(first.__interrupt__?.[0]?.id);
    const thread = await client.threads.get(threadId);
    expect(thread.status).toBe("interrupted");
    expect(
      Object.values(thread.interrupts ?? {})
        .flat()
        .map((i) => i.id)
        .sort(),
    ).toEqual([one.id, two.id].sort());

    const done = (await client.runs.wait(threadId, GRAPH, {
      command: { resume: { [one.id]: "a", [two.id]: "b" } },
    })) as { answers: string[]; __interrupt__?: unknown };
    expect(done.__interrupt__).toBeUndefined();
    expect([...done.answers].sort()).toEqual(["1:a", "2:b"]);
    const after = await client.threads.getState(threadId);
    expect(after.next).toEqual([]);
    expect(after.tasks).toEqual([]);
    expect((await client.threads.get(threadId)).status).toBe("idle");
  });

  describe("a node throws an Error subclass (name ReviewerRefusedError) during a resume", () => {
    const failingResume = (one: Pending, two: Pending) => ({
      command: { resume: { [one.id]: FAIL_ANSWER, [two.id]: "b" } },
    });

    it("runs.wait throws a plain Error; name and message sit JSON-encoded in its message", async () => {
      const { threadId, one, two } = await interruptedThread();
      const error = await client.runs.wait(threadId, GRAPH, failingResume(one, two)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("Error");
      expect((error as Error).message).toBe(`Error: ${JSON.stringify(REFUSAL)}`);
    });

    it("runs.wait({ raiseError: false }) and runs.join return __error__ (encoded twice)", async () => {
      const waited = await interruptedThread();
      const result = await client.runs.wait(waited.threadId, GRAPH, {
        ...failingResume(waited.one, waited.two),
        raiseError: false,
      });
      // The server serialises the error to { error: name, message } for the stream, then
      // serialises that plain object again for wait/join: the outer `error` is always "Error".
      const expected = { __error__: { error: "Error", message: JSON.stringify(REFUSAL) } };
      expect(result).toEqual(expected);
      expect(JSON.parse((result as typeof expected).__error__.message)).toEqual(REFUSAL);

      const joined = await interruptedThread();
      const run = await client.runs.create(
        joined.threadId,
        GRAPH,
        failingResume(joined.one, joined.two),
      );
      expect(await client.runs.join(joined.threadId, run.run_id)).toEqual(expected); // no throw
      expect((await client.runs.get(joined.threadId, run.run_id)).status).toBe("error");
    });

    it("runs.stream yields an `error` event carrying the name and message as sent", async () => {
      const { threadId, one, two } = await interruptedThread();
      const events: { event: string; data: unknown }[] = [];
      for await (const part of client.runs.stream(threadId, GRAPH, failingResume(one, two))) {
        events.push({ event: part.event, data: part.data });
      }
      expect(events.at(-1)).toEqual({ event: "error", data: REFUSAL });
    });

    it("the thread is left in error, the failed answer saved: a corrected resume fails again", async () => {
      const { threadId, one, two } = await interruptedThread();
      await client.runs.wait(threadId, GRAPH, { ...failingResume(one, two), raiseError: false });

      expect((await client.threads.get(threadId)).status).toBe("error");
      const state = await client.threads.getState(threadId);
      const byN = (n: number) =>
        state.tasks.find((t) => (t.interrupts as Pending[]).some((i) => i.value.n === n));
      // getState: task errors as JSON strings { message, name }; the sibling task's result is
      // kept as a pending write (it will not run again), the failed task has none.
      expect(JSON.parse(byN(1)?.error ?? "null")).toEqual({
        message: REFUSAL.message,
        name: REFUSAL.error,
      });
      expect(byN(1)?.result).toBeNull();
      expect(byN(2)?.result).toEqual({ answers: ["2:b"] });

      // The failed task's resume value was persisted with the failed step: a new keyed resume
      // with a good answer replays FAIL_ANSWER and the same error comes back.
      const retry = await client.runs.wait(threadId, GRAPH, {
        command: { resume: { [one.id]: "a", [two.id]: "b" } },
        raiseError: false,
      });
      expect(retry).toEqual({ __error__: { error: "Error", message: JSON.stringify(REFUSAL) } });
    });
  });
});

describe("startLangGraphServer", () => {
  it("fails fast with the server output when a graph does not load, leaving nothing behind", async () => {
    const error = await startLangGraphServer({
      cwd: PACKAGE_DIR,
      graphs: { broken: "./test/fixtures/server-fanout-graph.ts:noSuchExport" },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    // Fast: on the error it logged, not after waiting out the readiness deadline.
    expect(message).toContain("logged an error while starting");
    expect(message).toContain("Failed to load graph");
    const dir = /Registering graphs from (\S+)/.exec(message)?.[1];
    expect(dir).toMatch(/safeguards-langgraph-server-/);
    expect(existsSync(dir!)).toBe(false);
    expect(processesMentioning(dir!)).toEqual([]);
  }, 60_000);
});
