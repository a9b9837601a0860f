/**
 * @module slack-double
 * The Slack double of the inbox's tests: a local HTTP server on 127.0.0.1 port 0 speaking
 * the parts of Slack's API the inbox uses (`chat.postMessage`, `chat.update`, an incoming
 * webhook, `response_url`). Payloads are checked with core's `slackPayloadProblem` (the rules
 * of core's own `startFakeSlack`) and refused as Slack refuses them; every call is recorded.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { slackPayloadProblem } from "@safeguards/core/testing";

/** One call the double received. */
export interface SlackCall {
  path: string;
  auth: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: Slack payloads are read loosely in tests
  body: any;
  /** The `ts` a `chat.postMessage` was answered with. */
  ts?: string;
}

/** A running Slack double. */
export interface SlackDouble {
  /** `http://127.0.0.1:<port>`: the API is `${url}/api`, the webhook `${url}/webhook`. */
  url: string;
  /** The channel id `chat.postMessage` answers with. */
  channel: string;
  /** Every call, in order (refused ones too). */
  calls: SlackCall[];
  /** Holds the answers to `response_url` calls (`/response/...`) until `until` settles. */
  holdResponses(until: Promise<void>): void;
  /** Holds the answers to `chat.postMessage` until `until` settles. */
  holdPosts(until: Promise<void>): void;
  /** Holds the answers to `chat.update` until `until` settles. */
  holdUpdates(until: Promise<void>): void;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => resolve(data));
  });

/** Starts the Slack double; `chat.postMessage` answers with `channel` (default `C123`). */
export async function startSlackDouble(options: { channel?: string } = {}): Promise<SlackDouble> {
  const channel = options.channel ?? "C123";
  const calls: SlackCall[] = [];
  let hold: Promise<void> | undefined;
  let holdPosts: Promise<void> | undefined;
  let holdUpdates: Promise<void> | undefined;
  let posted = 0;
  const server = createServer(async (req, res) => {
    const path = req.url ?? "";
    const body = JSON.parse((await read(req)) || "{}");
    const call: SlackCall = { path, auth: req.headers.authorization, body };
    calls.push(call);
    if (path.startsWith("/response/") && hold) await hold;
    if (path === "/api/chat.postMessage" && holdPosts) await holdPosts;
    if (path === "/api/chat.update" && holdUpdates) await holdUpdates;
    const problem = slackPayloadProblem(body);
    const isApi = path.startsWith("/api/");
    if (problem && !isApi) return void res.writeHead(400).end(problem);
    res.setHeader("content-type", "application/json");
    if (problem) return void res.end(JSON.stringify({ ok: false, error: problem }));
    if (path === "/api/chat.postMessage") {
      // Each message its own ts (the first is 1700000000.000100), as Slack answers.
      posted += 1;
      const ts = `1700000000.${String(99 + posted).padStart(6, "0")}`;
      call.ts = ts;
      res.end(JSON.stringify({ ok: true, channel, ts }));
    } else res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    channel,
    calls,
    holdResponses(until) {
      hold = until;
    },
    holdPosts(until) {
      holdPosts = until;
    },
    holdUpdates(until) {
      holdUpdates = until;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
