/**
 * End to end across restarts: the inbox restarts (SQLite) while an agent waits, and an agent
 * process dies and a new one resumes its action with `handler.resume(id)`.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ActionStatus, HumanActionHandler, type HumanInTheLoopChannel } from "@safeguards/core";
import { deferCleanup, testInboxOptions } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../src/index.js";
import { agentChannel, fileTransaction, finish, review, TRANSACTION } from "./e2e-helpers.js";
import { AGENT, AGENT_KEY, REVIEWER_TOKEN, tempDbPath } from "./helpers.js";

const defer = deferCleanup();

function sqliteInbox(db: string): Inbox {
  const inbox = createInbox(
    testInboxOptions({
      store: db,
      apiKeys: { [AGENT_KEY]: AGENT },
      reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
    }),
  );
  defer(() => inbox.close());
  return inbox;
}

async function channelAndHandler(url: string) {
  const channel: HumanInTheLoopChannel = await agentChannel(url);
  const handler = new HumanActionHandler(channel);
  defer(() => channel.shutdown());
  defer(() => handler.shutdown());
  return { channel, handler };
}

/** The CLI inbox as its own process on a SQLite file; resolves with its API URL. */
async function cliInbox(db: string, port: number) {
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  // One process (node --import tsx), so SIGKILL kills the inbox itself, not a wrapper.
  const args = ["--import", "tsx", "--conditions=@safeguards/source", cli, "--port", String(port)];
  const proc = spawn(process.execPath, [...args, "--db", db], {
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
    env: {
      ...process.env,
      SAFEGUARDS_API_KEYS: `${AGENT_KEY}=${AGENT}`,
      SAFEGUARDS_REVIEWER_TOKENS: `${REVIEWER_TOKEN}=alice`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  defer(() => proc.kill("SIGKILL"));
  const exited = new Promise((r) => proc.once("exit", r));
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const found = /listening: (\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`inbox exited ${code}: ${out}`)));
  });
  const kill = () => {
    proc.kill("SIGKILL");
    return exited;
  };
  return { url, kill };
}

describe("restarts", () => {
  it("an inbox process SIGKILLed right after filing keeps the actions; after its restart the agent gets each decision", async () => {
    const db = tempDbPath();
    const first = await cliInbox(db, 0);
    const port = Number(new URL(first.url).port);
    const { handler } = await channelAndHandler(first.url);
    const actions = await Promise.all([1, 2, 3].map(() => fileTransaction(handler)));
    const done = actions.map((a) => finish(handler, a));
    await first.kill(); // crash: no graceful close, right after the 201s
    const second = await cliInbox(db, port);
    expect(second.url).toBe(first.url);
    const [a, b, c] = actions.map((x) => x.id) as [string, string, string];
    await review(second.url, a, { type: "approve" });
    await review(second.url, b, { type: "modify", response_data: { amount: "1800.00" } });
    await review(second.url, c, { type: "reject", comments: "after the crash" });
    const results = await Promise.all(done);
    expect(results.map((r) => r.status)).toEqual([
      ActionStatus.APPROVED,
      ActionStatus.MODIFIED,
      ActionStatus.REJECTED,
    ]);
    expect(results.map((r) => r.ran)).toEqual([
      [TRANSACTION],
      [{ ...TRANSACTION, amount: "1800.00" }],
      [],
    ]);
  }, 40_000);

  it("a decision made after an inbox restart reaches the waiting agent", async () => {
    const db = tempDbPath();
    const first = sqliteInbox(db);
    const { url } = await first.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(url).port);
    const { handler } = await channelAndHandler(url);
    const action = await fileTransaction(handler);
    const done = finish(handler, action);
    await new Promise((r) => setTimeout(r, 50));
    await first.close();
    await new Promise((r) => setTimeout(r, 100)); // the agent's stream fails and backs off
    const second = sqliteInbox(db);
    const again = await second.listen({ port, host: "127.0.0.1" });
    expect(again.url).toBe(url);
    await review(url, action.id, { type: "modify", response_data: { amount: "1800.00" } });
    const { status, ran } = await done;
    expect(status).toBe(ActionStatus.MODIFIED);
    expect(ran).toEqual([{ ...TRANSACTION, amount: "1800.00" }]);
  });

  it("a new agent process resumes an action filed by one that died, and gets its decision", async () => {
    const inbox = sqliteInbox(tempDbPath());
    const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const script = fileURLToPath(new URL("./fixtures/filing-agent.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@safeguards/source", script],
      {
        cwd: root,
        env: { ...process.env, INBOX_URL: url },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    defer(() => child.kill("SIGKILL"));
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const id = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolve((JSON.parse(line) as { id: string }).id);
      });
      child.on("exit", (code) => reject(new Error(`agent exited ${code}: ${stderr}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // decided while no agent is running
    await review(url, id, { type: "approve", comments: "fine" });
    const { channel, handler } = await channelAndHandler(url);
    const action = await handler.resume(id);
    const { status, ran } = await finish(handler, action);
    expect(status).toBe(ActionStatus.APPROVED);
    expect(ran).toEqual([TRANSACTION]);
    expect(action.reviewer).toBe("alice");
    expect(channel.pendingCount).toBe(0);
  });

  it("a resumed pending action gets a decision made after the resume", async () => {
    const inbox = sqliteInbox(tempDbPath());
    const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
    const first = await channelAndHandler(url);
    const action = await fileTransaction(first.handler);
    await first.channel.shutdown();
    const second = await channelAndHandler(url);
    const resumed = await second.handler.resume(action.id);
    expect(resumed.status).toBe(ActionStatus.PENDING);
    const done = finish(second.handler, resumed);
    await review(url, action.id, { type: "reject", comments: "no" });
    expect((await done).status).toBe(ActionStatus.REJECTED);
  });
});
