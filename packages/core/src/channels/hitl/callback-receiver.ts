/**
 * @module hitl/callback-receiver
 * The signed callback receiver: a `node:http` request listener that verifies Standard
 * Webhooks signatures (`Webhook.verify`, which also refuses timestamps more than 5 minutes
 * away), treats `webhook-id` as an idempotency key (a bounded memory of recent ids), answers
 * at once and hands on only the action id it names. A callback is a wake-up, never a
 * decision: every agent of an inbox may hold the same secret, so the body is not trusted
 * (the channel reads the record from the inbox, see `callback-wakeup`).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import * as protocol from "../../protocol/index.js";

/** Options of {@link createCallbackListener}. */
export interface CallbackListenerOptions {
  /** The Standard Webhooks secret shared with the inbox (`whsec_...`). */
  signingSecret: string;
  /** Receives the action id named by each verified, first-seen callback (nothing else of it). */
  onWake: (actionId: string) => void;
  /** How many recent `webhook-id`s are remembered to drop replays. @default 10000 */
  rememberIds?: number;
}

/** Statistics of a receiver (for tests and diagnostics). */
export interface CallbackStats {
  /** Verified, first-seen callbacks (answered 202). */
  accepted: number;
  /** Verified callbacks whose `webhook-id` was seen before (answered 200, ignored). */
  replayed: number;
  /** Refused callbacks (bad signature or body; 4xx). */
  refused: number;
  /** Accepted callbacks after which the record read from the inbox settled an action. */
  settled: number;
  /**
   * Accepted callbacks that settled nothing: the id is not one this channel waits for
   * (already settled, unknown, another agent's) or the inbox's record is not final.
   */
  ignored: number;
  /** Accepted callbacks whose record read failed (the decision stream carries on). */
  readFailures: number;
}

/** A request listener plus its statistics. */
export interface CallbackListener {
  listener: RequestListener;
  stats: CallbackStats;
}

/**
 * Builds the listener. Answers 202 accepted (a wake-up: whether the inbox backs it is found
 * out afterwards and never changes the answer), 200 replay ignored, 401 bad signature,
 * 4xx bad input.
 */
export function createCallbackListener(options: CallbackListenerOptions): CallbackListener {
  const webhook = new Webhook(options.signingSecret);
  const limit = options.rememberIds ?? 10_000;
  const seen = new Set<string>();
  const stats: CallbackStats = {
    accepted: 0,
    replayed: 0,
    refused: 0,
    settled: 0,
    ignored: 0,
    readFailures: 0,
  };
  const answer = (res: ServerResponse, status: number, code?: string, message?: string) => {
    if (status >= 400) stats.refused += 1;
    if (code) {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code, message } }));
    } else res.writeHead(status).end();
  };

  const listener: RequestListener = (req, res) => {
    if (req.method !== "POST") return answer(res, 405, "method_not_allowed", "POST only");
    readBody(req, protocol.MAX_BODY_BYTES).then(
      (body) => {
        if (body === undefined) return answer(res, 413, "payload_too_large", "Body too large");
        const headers = {
          "webhook-id": header(req, "webhook-id"),
          "webhook-timestamp": header(req, "webhook-timestamp"),
          "webhook-signature": header(req, "webhook-signature"),
        };
        let payload: unknown;
        try {
          payload = webhook.verify(body, headers);
        } catch {
          return answer(res, 401, "unauthorized", "Invalid or expired webhook signature");
        }
        const parsed = protocol.callbackBodySchema.safeParse(payload);
        if (!parsed.success) return answer(res, 400, "invalid_request", "Not a decision callback");
        const id = headers["webhook-id"];
        if (seen.has(id)) {
          stats.replayed += 1;
          return answer(res, 200);
        }
        seen.add(id);
        if (seen.size > limit) seen.delete(seen.values().next().value as string);
        stats.accepted += 1;
        answer(res, 202);
        options.onWake(parsed.data.data.id);
      },
      () => answer(res, 400, "invalid_request", "Could not read the body"),
    );
  };
  return { listener, stats };
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** The body as text, or `undefined` when it exceeds `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
