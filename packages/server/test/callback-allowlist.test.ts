import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { createCallbackUrlCheck, parseCallbackUrlList } from "../src/inbox/callback-allowlist.js";
import type { Inbox, InboxEvent } from "../src/index.js";
import {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  decideAs,
  file,
  requestBody,
  SECRET,
  startInbox,
} from "./helpers.js";

/** A receiver that records the verified callbacks it gets. */
async function receiver() {
  const received: unknown[] = [];
  const webhook = new Webhook(SECRET);
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const payload = Buffer.concat(chunks).toString("utf8");
      received.push(webhook.verify(payload, req.headers as Record<string, string>));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received, server: srv };
}

let inbox: Inbox | undefined;
let server: Server | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  await inbox?.close();
  server?.close();
  if (child && child.exitCode === null) child.kill("SIGKILL");
  inbox = undefined;
  server = undefined;
  child = undefined;
});

/** Every action the inbox stored. */
const storedIds = async (i: Inbox) =>
  (await i.store.list({ limit: 100 })).actions.map((a) => a.record.id);

describe("callbackUrls allowlist", () => {
  it("accepts a URL under an allowed prefix and delivers the callback there", async () => {
    const target = await receiver();
    server = target.server;
    const started = await startInbox({ callbackUrls: [`${target.origin}/hooks/`] });
    inbox = started.inbox;
    const body = requestBody(undefined, { callback_url: `${target.origin}/hooks/safeguards` });
    expect((await file(started.url, body)).status).toBe(201);
    expect((await decideAs(started.url, body.id, { type: "approve" })).status).toBe(200);
    await started.inbox.callbacksIdle();
    expect(target.received).toHaveLength(1);
    expect(target.received[0]).toMatchObject({ type: "action.decided", data: { id: body.id } });
  });

  it("refuses another origin, or a path outside the prefix, with 422 and stores nothing", async () => {
    const started = await startInbox({ callbackUrls: ["http://127.0.0.1:9000/hooks"] });
    inbox = started.inbox;
    const refused = [
      "http://169.254.169.254/latest/meta-data/",
      "http://127.0.0.1:9001/hooks",
      "http://127.0.0.1:9000/hooksevil",
      "http://127.0.0.1:9000/admin",
      "http://127.0.0.1:9000/hooks/../admin",
      "https://127.0.0.1:9000/hooks",
      "http://127.0.0.1.nip.io:9000/hooks",
    ];
    for (const callback_url of refused) {
      const body = requestBody(undefined, { callback_url });
      const answer = await file(started.url, body);
      expect(answer.status, callback_url).toBe(422);
      expect(answer.body.error.code).toBe("callback_url_not_allowed");
    }
    expect(await storedIds(started.inbox)).toEqual([]);
    const ok = requestBody(undefined, { callback_url: "http://127.0.0.1:9000/hooks/x?y=1" });
    expect((await file(started.url, ok)).status).toBe(201);
    expect(await storedIds(started.inbox)).toEqual([ok.id]);
  });

  it("passes the parsed URL and the requesting agent's id to a function policy", async () => {
    const seen: Array<[string, string]> = [];
    const started = await startInbox({
      callbackUrls: (url, agentId) => {
        seen.push([url.href, agentId]);
        return agentId === AGENT && url.hostname === "agents.example";
      },
    });
    inbox = started.inbox;
    const allowed = requestBody(undefined, { callback_url: "https://agents.example/cb" });
    expect((await file(started.url, allowed)).status).toBe(201);
    const other = requestBody(undefined, {
      agent_id: AGENT_B,
      callback_url: "https://agents.example/cb",
    });
    const refused = await file(started.url, other, AGENT_B_KEY);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("callback_url_not_allowed");
    expect(seen).toEqual([
      ["https://agents.example/cb", AGENT],
      ["https://agents.example/cb", AGENT_B],
    ]);
    expect(await storedIds(started.inbox)).toEqual([allowed.id]);
  });

  it("refuses credentials in callback_url even without an allowlist", async () => {
    const started = await startInbox();
    inbox = started.inbox;
    const body = requestBody(undefined, { callback_url: "http://user:pass@127.0.0.1:9000/cb" });
    const answer = await file(started.url, body, AGENT_KEY);
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe("callback_url_not_allowed");
    expect(JSON.stringify(answer.body)).not.toContain("pass@");
    expect(await storedIds(started.inbox)).toEqual([]);
  });

  it("does not call a stored URL the current policy refuses", async () => {
    const target = await receiver();
    server = target.server;
    let open = true;
    const started = await startInbox({ callbackUrls: () => open });
    inbox = started.inbox;
    const events: InboxEvent[] = [];
    started.inbox.on("callback.failed", (e) => {
      events.push(e);
    });
    const body = requestBody(undefined, { callback_url: `${target.origin}/cb` });
    expect((await file(started.url, body)).status).toBe(201);
    open = false;
    expect((await decideAs(started.url, body.id, { type: "reject" })).status).toBe(200);
    await started.inbox.callbacksIdle();
    expect(target.received).toEqual([]);
    expect(events).toMatchObject([{ type: "callback.failed", actionId: body.id, attempts: 0 }]);
  });

  it("validates list entries when the inbox is created", async () => {
    await expect(startInbox({ callbackUrls: ["127.0.0.1:9000"] })).rejects.toThrow(/callbackUrls/);
    expect(() => createCallbackUrlCheck(["ftp://x/"])).toThrow(/http/);
    expect(() => createCallbackUrlCheck(["http://a:b@x/"])).toThrow(/credentials/);
    const check = createCallbackUrlCheck(["https://Agents.Example:443"]);
    expect(check("https://agents.example/any/path", AGENT)).toBeNull();
    expect(check("https://agents.example.evil.com/", AGENT)).toMatch(/allowlist/);
  });
});

describe("--callback-urls / SAFEGUARDS_CALLBACK_URLS", () => {
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  const root = fileURLToPath(new URL("../../..", import.meta.url));

  /** Starts the CLI and resolves with its output once it listens (or exits). */
  async function runCli(args: string[], env: Record<string, string>) {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@safeguards/source", cli, ...args],
      {
        cwd: root,
        env: { ...process.env, SAFEGUARDS_CALLBACK_URLS: "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child = proc;
    let out = "";
    const onData = (c: Buffer) => {
      out += c.toString();
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
    for (let i = 0; i < 300 && !/listening: \S+/.test(out) && proc.exitCode === null; i++)
      await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
    const url = /listening: (\S+)/.exec(out)?.[1];
    return { out, url, proc };
  }
  const env = { SAFEGUARDS_API_KEYS: `${AGENT_KEY}=${AGENT}`, SAFEGUARDS_SIGNING_SECRET: SECRET };

  it("restricts callbacks to the flag's prefixes, with no warning", async () => {
    const { out, url } = await runCli(
      [
        "--port",
        "0",
        "--db",
        "memory",
        "--callback-urls",
        "http://127.0.0.1:9000/, https://a.example/",
      ],
      env,
    );
    expect(url).toBeDefined();
    expect(out).not.toMatch(/note: callbacks/);
    const refused = requestBody(undefined, { callback_url: "http://127.0.0.1:9001/" });
    expect((await file(url as string, refused)).status).toBe(422);
    const ok = requestBody(undefined, { callback_url: "https://a.example/cb" });
    expect((await file(url as string, ok)).status).toBe(201);
  }, 30_000);

  it("reads the environment variable and refuses a malformed entry naming it", async () => {
    const { out, url } = await runCli(["--port", "0", "--db", "memory"], {
      ...env,
      SAFEGUARDS_CALLBACK_URLS: "http://127.0.0.1:9000/,not a url",
    });
    expect(url).toBeUndefined();
    expect(out).toMatch(/SAFEGUARDS_CALLBACK_URLS\[1\]/);
  }, 30_000);

  it("says at start that callbacks go to public addresses only without an allowlist", async () => {
    const { out, url } = await runCli(["--port", "0", "--db", "memory"], env);
    expect(url).toBeDefined();
    expect(out).toMatch(/note: .*no --callback-urls.*public addresses only/);
    const internal = requestBody(undefined, { callback_url: "http://2130706433:9000/" });
    expect((await file(url as string, internal)).status).toBe(422);
  }, 30_000);

  it("refuses a --callback-concurrency that is not a positive integer", async () => {
    const { out, url } = await runCli(
      ["--port", "0", "--db", "memory", "--callback-concurrency", "0"],
      env,
    );
    expect(url).toBeUndefined();
    expect(out).toMatch(/--callback-concurrency must be a positive integer/);
  }, 30_000);

  it("parses the comma-separated list", () => {
    expect(parseCallbackUrlList("X", " http://a/ ,,https://b.example/x ")).toEqual([
      "http://a/",
      "https://b.example/x",
    ]);
    expect(() => parseCallbackUrlList("X", "http://a/,ftp://b/")).toThrow(/X\[1\]/);
  });
});
