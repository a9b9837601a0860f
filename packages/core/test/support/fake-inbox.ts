/**
 * @module fake-inbox
 * A minimal in-memory inbox speaking PROTOCOL.md on 127.0.0.1 for the channel's unit tests:
 * request-approval (idempotent), actions/{id} (with wait), cancel, decisions (long poll),
 * plus scripted failures and counters. The real inbox is tested end to end in
 * packages/server/test/e2e-*.test.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { protocol } from "../../src/index.js";

type Record_ = protocol.ActionRecord;

/** A running fake inbox. */
export interface FakeInbox {
  /** `http://127.0.0.1:<port>/api` */
  url: string;
  records: Map<string, Record_>;
  /** Every request as `METHOD path`. */
  log: string[];
  /** Bodies of POST /request-approval, in order. */
  bodies: string[];
  /** Headers of POST /request-approval, in order. */
  headers: Record<string, string | string[] | undefined>[];
  /** Replies (status) used, in order, for the next requests to `path` prefix. */
  script(pathPrefix: string, ...statuses: number[]): void;
  /** Records a decision (like a reviewer) and wakes long polls. */
  decide(id: string, decision: protocol.WireDecision): void;
  /** Open /decisions requests now and the most seen at once. */
  decisionsOpen(): { now: number; max: number };
  /** Number of TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a fake inbox for API key `key`; `supportsNow: false` refuses `since=now` (400). */
export async function startFakeInbox(key = "agent-key", supportsNow = true): Promise<FakeInbox> {
  const records = new Map<string, Record_>();
  const decided: string[] = [];
  const log: string[] = [];
  const bodies: string[] = [];
  const headers: FakeInbox["headers"] = [];
  const scripts: Array<{ prefix: string; status: number }> = [];
  const waiters = new Set<() => void>();
  let open = 0;
  let maxOpen = 0;
  let conns = 0;

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const fail = (res: ServerResponse, status: number, code: string) =>
    json(res, status, { error: { code, message: `${code} (fake inbox)` } });
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const hold = (req: IncomingMessage, ms: number, ready: () => boolean) =>
    new Promise<void>((resolve) => {
      if (ready() || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const check = () => ready() && done();
      const timer = setTimeout(done, ms);
      waiters.add(check);
      req.on("close", done);
    });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/api/, "");
    log.push(`${req.method} ${path}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const scripted = scripts.findIndex((s) => path.startsWith(s.prefix));
    if (scripted >= 0) {
      const [s] = scripts.splice(scripted, 1);
      if (s!.status === 0) return void req.socket.destroy();
      return fail(res, s!.status, s!.status >= 500 ? "internal_error" : "scripted");
    }
    if (req.headers.authorization !== `Bearer ${key}`) return fail(res, 401, "unauthorized");
    if (req.method === "POST" && path === "/request-approval") {
      bodies.push(body);
      headers.push(req.headers);
      const parsed = protocol.approvalRequestBodySchema.safeParse(JSON.parse(body));
      if (!parsed.success) return fail(res, 400, "invalid_request");
      const b = parsed.data;
      const existing = records.get(b.id);
      if (existing) return json(res, 200, existing);
      const record: Record_ = {
        id: b.id,
        status: "pending",
        title: b.title,
        description: b.description,
        severity: b.severity,
        agent_id: b.agent_id,
        metadata: b.metadata ?? {},
        action: b.action ?? null,
        args_hash: b.args_hash ?? null,
        allowed_decisions: b.allowed_decisions ?? ["approve", "modify", "reject"],
        created_at: b.created_at ?? new Date().toISOString(),
        expires_at: b.expires_at,
        decision: null,
      };
      records.set(b.id, record);
      return json(res, 201, record);
    }
    if (req.method === "GET" && path === "/decisions") {
      if (url.searchParams.get("since") === "now" && supportsNow) {
        return json(res, 200, { decisions: [], cursor: String(decided.length) });
      }
      const since = Number(url.searchParams.get("since") ?? "0");
      if (!Number.isInteger(since)) return fail(res, 400, "invalid_request");
      const wait = Number(url.searchParams.get("wait") ?? "0") * 1000;
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      await hold(req, wait, () => decided.length > since);
      open -= 1;
      const list = decided.slice(since, since + 100).map((id) => records.get(id)!);
      return json(res, 200, { decisions: list, cursor: String(since + list.length) });
    }
    const m = /^\/actions\/([^/]+)(\/cancel)?$/.exec(path);
    const record = m ? records.get(decodeURIComponent(m[1]!)) : undefined;
    if (m && !record) return fail(res, 404, "not_found");
    if (record && req.method === "GET" && !m![2]) {
      const wait = Number(url.searchParams.get("wait") ?? "0") * 1000;
      await hold(req, wait, () => record.status !== "pending");
      return json(res, 200, record);
    }
    if (record && req.method === "POST" && m![2]) {
      if (record.status !== "pending") return fail(res, 409, "already_decided");
      api.decide(record.id, { type: "cancel", decided_at: new Date().toISOString() });
      return json(res, 200, record);
    }
    return fail(res, 404, "not_found");
  });
  server.on("connection", () => {
    conns += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const statusOf: Record<protocol.WireDecision["type"], Record_["status"]> = {
    approve: "approved",
    modify: "modified",
    reject: "rejected",
    timeout: "timed_out",
    cancel: "cancelled",
  };
  const api: FakeInbox = {
    url: `http://127.0.0.1:${port}/api`,
    records,
    log,
    bodies,
    headers,
    script: (prefix, ...statuses) => {
      for (const status of statuses) scripts.push({ prefix, status });
    },
    decide(id, decision) {
      const record = records.get(id);
      if (record?.status !== "pending") throw new Error(`cannot decide ${id}`);
      record.status = statusOf[decision.type];
      record.decision = decision;
      decided.push(id);
      wake();
    },
    decisionsOpen: () => ({ now: open, max: maxOpen }),
    connections: () => conns,
    close: () =>
      new Promise<void>((resolve) => {
        wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
