/**
 * @module http-test-server
 * A tiny scripted HTTP server on 127.0.0.1 for channel tests: records each request and
 * answers from a queue of scripted replies (status, `Retry-After`, hang, drop).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A scripted answer: a status (with optional body / Retry-After), `"slow"` (never answer) or `"drop"` (reset). */
export type ScriptedReply =
  | { status: number; body?: string; retryAfter?: string }
  | "slow"
  | "drop";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `Date.now()` when it arrived. */
  at: number;
}

/** Handles a request that no scripted reply claimed; returns the reply to send. */
export type DefaultHandler = (req: RecordedRequest) => { status: number; body: string };

/** A running scripted server. */
export interface HttpTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Queues replies used (in order) for the next requests, before the default handler. */
  script(...replies: ScriptedReply[]): void;
  /** Uses `reply` for every request from now on (`undefined` goes back to the default). */
  always(reply: ScriptedReply | undefined): void;
  close(): Promise<void>;
}

/** Starts a scripted server on 127.0.0.1, port 0. */
export async function startHttpTestServer(handler: DefaultHandler): Promise<HttpTestServer> {
  const queue: ScriptedReply[] = [];
  let sticky: ScriptedReply | undefined;
  const requests: RecordedRequest[] = [];
  const send = (res: ServerResponse, reply: Exclude<ScriptedReply, string>) => {
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (reply.retryAfter !== undefined) headers["retry-after"] = reply.retryAfter;
    res.writeHead(reply.status, headers).end(reply.body ?? "");
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      requests.push(recorded);
      const reply = queue.shift() ?? sticky;
      if (reply === "slow") return;
      if (reply === "drop") return void req.socket.destroy();
      if (reply) return send(res, reply);
      const answer = handler(recorded);
      res
        .writeHead(answer.status, { "content-type": "application/json; charset=utf-8" })
        .end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    always: (reply) => {
      sticky = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
