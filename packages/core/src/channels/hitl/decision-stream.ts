/**
 * @module hitl/decision-stream
 * ONE loop per channel that long-polls `GET /decisions?since=CURSOR&wait=S` for all of the
 * key's decisions. It runs only while someone waits (`wanted()`), resumes from its cursor
 * after a disconnect (backoff, capped at the poll interval), and falls back to plain polling
 * every `pollInterval` when long polling is off or the inbox does not support it. However
 * many actions are pending, it holds one request (one socket) and one timer.
 */

import { isSafeguardsError } from "../../errors.js";
import * as protocol from "../../protocol/index.js";
import { backoffDelay, type Sleep } from "./backoff.js";
import type { InboxClient } from "./inbox-client.js";

/** Options of {@link DecisionStream}. */
export interface DecisionStreamOptions {
  client: InboxClient;
  /** `wait` of each long poll (seconds). */
  waitSeconds: number;
  /** Interval of plain polling and cap of the reconnect backoff (ms). */
  pollIntervalMs: number;
  /** `false`: poll with `wait=0` every `pollIntervalMs`. */
  longPoll: boolean;
  /** Extra time a long poll may take beyond its `wait` (ms): the call timeout. */
  timeoutMs: number;
  /** First reconnect delay (ms). */
  backoffMs: number;
  sleep: Sleep;
  random?: () => number;
  /** True while there is at least one action to wait for. */
  wanted: () => boolean;
  /** Receives each terminal record, oldest first. */
  onRecord: (record: protocol.ActionRecord) => void;
  /** Told about failed polls (the loop carries on). */
  onError: (error: unknown) => void;
  /** Cursor to start from. */
  cursor?: string;
}

/** The decisions loop. */
export class DecisionStream {
  readonly #o: DecisionStreamOptions;
  #cursor: string | undefined;
  #running = false;
  #closed = false;
  #inFlight: AbortController | undefined;
  #fallback = false;
  #seeded = false;
  #seeding: Promise<void> | undefined;
  /** Number of `/decisions` calls made (for tests and diagnostics). */
  polls = 0;

  constructor(options: DecisionStreamOptions) {
    this.#o = options;
    this.#cursor = options.cursor;
  }

  /** The cursor after the last answer (persist it to resume without replaying history). */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  /**
   * Starts the cursor at "now" (`since=now`) unless it has one, so a fresh channel does not
   * replay the key's history. Call before filing. An inbox that does not support it (4xx)
   * leaves the cursor unset (history is then read once and filtered). Never throws.
   */
  seedCursor(): Promise<void> {
    if (this.#cursor !== undefined || this.#seeded) return this.#seeding ?? Promise.resolve();
    this.#seeding ??= this.#o.client
      .call(
        { method: "GET", path: `/decisions?since=${protocol.SINCE_NOW}&wait=0`, retry: false },
        protocol.decisionsResponseSchema,
      )
      .then(
        (answer) => {
          this.#seeded = true;
          if (this.#cursor === undefined && answer.decisions.length === 0)
            this.#cursor = answer.cursor;
        },
        (error: unknown) => {
          // 4xx: not supported, do not ask again; network errors: try again next time
          const status = isSafeguardsError(error)
            ? (error.details as { status?: unknown } | undefined)?.status
            : undefined;
          if (typeof status === "number" && status < 500) this.#seeded = true;
        },
      )
      .finally(() => {
        this.#seeding = undefined;
      });
    return this.#seeding;
  }

  /** True while the loop runs. */
  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop if it is not running and someone waits. */
  wake(): void {
    if (this.#running || this.#closed || !this.#o.wanted()) return;
    this.#running = true;
    void this.#run();
  }

  /** Ends a poll in flight when nobody waits any more (so the process can exit). */
  idle(): void {
    if (!this.#o.wanted()) this.#inFlight?.abort();
  }

  /** Stops for good. */
  close(): void {
    this.#closed = true;
    this.#inFlight?.abort();
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closed && this.#o.wanted()) {
      const abort = new AbortController();
      this.#inFlight = abort;
      const longPoll = this.#o.longPoll && !this.#fallback;
      try {
        const answer = await this.#poll(longPoll ? this.#o.waitSeconds : 0, abort.signal);
        failures = 0;
        this.#cursor = answer.cursor;
        for (const record of answer.decisions) this.#o.onRecord(record);
        if (!longPoll && answer.decisions.length === 0 && this.#o.wanted()) {
          await this.#o.sleep(this.#o.pollIntervalMs, abort.signal);
        }
      } catch (error) {
        if (this.#closed || abort.signal.aborted) continue;
        failures += 1;
        if (isSafeguardsError(error) && isUnsupported(error.details)) this.#fallback = true;
        this.#o.onError(error);
        const delay = backoffDelay(failures, {
          baseMs: this.#o.backoffMs,
          maxMs: this.#o.pollIntervalMs,
          random: this.#o.random,
        });
        await this.#o.sleep(delay, abort.signal);
      } finally {
        if (this.#inFlight === abort) this.#inFlight = undefined;
      }
    }
    this.#running = false;
  }

  #poll(wait: number, signal: AbortSignal): Promise<protocol.DecisionsResponse> {
    this.polls += 1;
    const query = new URLSearchParams();
    if (this.#cursor !== undefined) query.set("since", this.#cursor);
    query.set("wait", String(wait));
    return this.#o.client.call(
      {
        method: "GET",
        path: `/decisions?${query}`,
        retry: false,
        extraMs: wait * 1000,
        signal,
      },
      protocol.decisionsResponseSchema,
    );
  }
}

/** 404/405/501 on `/decisions`: the inbox has no long-poll stream; poll instead. */
function isUnsupported(details: unknown): boolean {
  const status = (details as { status?: unknown } | undefined)?.status;
  return status === 404 || status === 405 || status === 501;
}
