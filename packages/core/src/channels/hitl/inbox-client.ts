/**
 * @module hitl/inbox-client
 * The HTTP client of the approval inbox (PROTOCOL.md): one undici `Agent` (keep-alive,
 * connect timeout), bearer auth, optional Standard Webhooks signatures, every call bounded
 * by a timeout, retries with backoff on network errors, 429 (except `too_many_pending`) and 5xx;
 * sends the active span as a W3C `traceparent` header.
 */
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { Agent, request } from "undici";
import type { z } from "zod";
import { ChannelDeliveryError, ErrorCode, SafeguardsError } from "../../errors.js";
import * as protocol from "../../protocol/index.js";
import { activeTraceparent } from "../../telemetry/trace-context.js";
import type { Clock } from "../../util/clock.js";
import { describeError } from "../http-post.js";
import { backoffDelay, type Sleep } from "./backoff.js";

/** Options of {@link InboxClient}. */
export interface InboxClientOptions {
  /** Base URL without trailing slash. */
  baseUrl: string;
  apiKey: string;
  /** Bound of one attempt (connect + request), ms. */
  timeoutMs: number;
  maxRetries: number;
  signingSecret?: string;
  clock: Clock;
  sleep: Sleep;
  /** First retry delay (ms). */
  backoffMs: number;
  random?: () => number;
}

/** One call. */
export interface CallOptions {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** Retry on network errors, 429 and 5xx. @default true */
  retry?: boolean;
  /** Extra time this call may take beyond the timeout (long polls), ms. */
  extraMs?: number;
  signal?: AbortSignal;
  /** Standard Webhooks message id (same across retries). */
  messageId?: string;
}

/** A non-2xx answer. */
export interface HttpFailure {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

const RETRY_STATUS = (status: number) => status === 429 || status === 408 || status >= 500;

/**
 * A 429 that waiting a few seconds does not cure: the agent's quota of pending actions is
 * full until reviewers decide some (answered at once, not retried).
 */
const isQuotaRefusal = (reply: { status: number; text: string }) =>
  reply.status === 429 &&
  failureOf(reply.status, reply.text).code === protocol.WireErrorCode.TOO_MANY_PENDING;

/** Talks to one inbox. `close()` ends its connections. */
export class InboxClient {
  readonly #options: InboxClientOptions;
  readonly #agent: Agent;
  readonly #signer: Webhook | undefined;
  readonly #closed = new AbortController();

  constructor(options: InboxClientOptions) {
    this.#options = options;
    this.#agent = new Agent({
      connect: { timeout: options.timeoutMs },
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.#signer = options.signingSecret ? new Webhook(options.signingSecret) : undefined;
  }

  /** Calls the inbox and validates a 2xx JSON answer with `schema`. Throws on anything else. */
  async call<S extends z.ZodType>(options: CallOptions, schema: S): Promise<z.output<S>> {
    const { status, text } = await this.send(options);
    if (status >= 200 && status < 300) return parseBody(schema, text, options.path);
    throw httpError(options, failureOf(status, text));
  }

  /**
   * Sends with retries; resolves with the final status and body for any answer that is not
   * retried (2xx, 4xx). Throws {@link ChannelDeliveryError} when every attempt failed.
   */
  async send(options: CallOptions): Promise<{ status: number; text: string }> {
    const { maxRetries, sleep } = this.#options;
    const attempts = options.retry === false ? 1 : maxRetries + 1;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let last = "";
    for (let attempt = 1; ; attempt += 1) {
      this.#assertOpen(options);
      let retryAfter: number | undefined;
      try {
        const reply = await this.#attempt(options, body);
        if (!RETRY_STATUS(reply.status) || isQuotaRefusal(reply)) return reply;
        last = `HTTP ${reply.status}: ${failureOf(reply.status, reply.text).message}`;
        retryAfter = reply.retryAfterMs;
      } catch (error) {
        if (this.#closed.signal.aborted || options.signal?.aborted) throw abortedError(options);
        last = describeError(error);
      }
      if (attempt >= attempts) {
        throw new ChannelDeliveryError(
          `${options.method} ${options.path} failed after ${attempt} attempt(s): ${last}`,
          { details: { attempts: attempt, lastError: last } },
        );
      }
      const delay = backoffDelay(attempt, {
        baseMs: this.#options.backoffMs,
        maxMs: 30_000,
        random: this.#options.random,
      });
      await sleep(Math.max(delay, Math.min(retryAfter ?? 0, 30_000)), this.#abortSignal(options));
    }
  }

  /** Closes the connection pool and aborts calls in flight. */
  async close(): Promise<void> {
    this.#closed.abort();
    await this.#agent.destroy().catch(() => {});
  }

  #abortSignal(options: CallOptions): AbortSignal {
    return options.signal
      ? AbortSignal.any([options.signal, this.#closed.signal])
      : this.#closed.signal;
  }

  #assertOpen(options: CallOptions): void {
    if (this.#closed.signal.aborted || options.signal?.aborted) throw abortedError(options);
  }

  async #attempt(
    options: CallOptions,
    body: string | undefined,
  ): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#options.apiKey}`,
      accept: "application/json",
    };
    // W3C Trace Context: the inbox continues the agent's trace (decision, callback).
    const traceparent = activeTraceparent();
    if (traceparent) headers.traceparent = traceparent;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      if (this.#signer) {
        const id = options.messageId ?? `msg_${randomUUID()}`;
        const at = new Date(this.#options.clock.now());
        headers["webhook-id"] = id;
        headers["webhook-timestamp"] = String(Math.floor(at.getTime() / 1000));
        headers["webhook-signature"] = this.#signer.sign(id, at, body);
      }
    }
    const timeout = AbortSignal.timeout(this.#options.timeoutMs + (options.extraMs ?? 0));
    const res = await request(`${this.#options.baseUrl}${options.path}`, {
      method: options.method,
      headers,
      body,
      dispatcher: this.#agent,
      signal: AbortSignal.any([timeout, this.#abortSignal(options)]),
    });
    const text = await res.body.text();
    const retryHeader = res.headers["retry-after"];
    const retryAfter = typeof retryHeader === "string" ? Number(retryHeader) * 1000 : undefined;
    return {
      status: res.statusCode,
      text,
      ...(retryAfter !== undefined && Number.isFinite(retryAfter)
        ? { retryAfterMs: retryAfter }
        : {}),
    };
  }
}

/** The protocol error body of a non-2xx answer (or a synthetic one). */
export function failureOf(status: number, text: string): HttpFailure {
  try {
    const parsed = protocol.errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return { status, ...parsed.data.error };
  } catch {
    // not JSON: fall through
  }
  return { status, code: `http_${status}`, message: text.slice(0, 200) || `HTTP ${status}` };
}

/**
 * A {@link SafeguardsError} for a refused call, carrying the inbox's error in `details`. Its
 * code follows the wire `error.code` (`already_decided` -> `SAFEGUARDS_ALREADY_DECIDED`, ...),
 * or the HTTP status for a code PROTOCOL.md does not define.
 */
export function httpError(
  options: CallOptions,
  failure: HttpFailure,
): SafeguardsError<HttpFailure> {
  return new SafeguardsError(
    protocol.errorCodeOfAnswer(failure.code, failure.status),
    `The inbox refused ${options.method} ${options.path}: ${failure.status} ${failure.code}: ${failure.message}`,
    { details: failure },
  );
}

function parseBody<S extends z.ZodType>(schema: S, text: string, path: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SafeguardsError(ErrorCode.PROTOCOL, `The inbox answered ${path} with invalid JSON`, {
      cause: error,
    });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new SafeguardsError(
      ErrorCode.PROTOCOL,
      `The inbox's answer to ${path} does not match the protocol: ${result.error.issues[0]?.message}`,
      { details: result.error.issues },
    );
  }
  return result.data;
}

function abortedError(options: CallOptions): SafeguardsError {
  return new SafeguardsError(
    ErrorCode.SHUT_DOWN,
    `${options.method} ${options.path} was aborted (channel shut down or call cancelled)`,
  );
}
