/**
 * @module terminal-approval-channel
 * An approval channel that asks the person at the keyboard: approve, reject (with a
 * reason) or modify field by field. For local development.
 */
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { z } from "zod";
import type { DecisionType } from "../actions/action-status.js";
import type {
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import { modificationTarget } from "../actions/modification.js";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ErrorCode, isSafeguardsError, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import type { JsonObject } from "../util/json.js";
import type { ApprovalChannel, DecisionListener } from "./approval-channel.js";
import { LocalDecisions } from "./local-decisions.js";
import { askChanges } from "./terminal-modify.js";
import {
  defaultReviewer,
  formatRequest,
  KEYS,
  LABELS,
  LineReader,
  ORDER,
  terminalText,
} from "./terminal-prompt.js";

/** Options of {@link TerminalApprovalChannel}. */
export interface TerminalApprovalChannelOptions {
  /** Where answers are read. @default process.stdin */
  input?: Readable;
  /** Where requests and prompts are written. @default process.stdout */
  output?: Writable;
  /** Used to show the time left and refuse late answers. @default systemClock */
  clock?: Clock;
  /** The reviewer recorded on decisions. @default os.userInfo().username */
  reviewer?: string;
  /** The reviewer's groups, for requests with `group:<name>` assignees. @default none */
  groups?: readonly string[];
}

const configSchema = z.strictObject({ reviewer: z.string().min(1).optional() });

/** Configuration of {@link TerminalApprovalChannel}: `{ reviewer? }`. */
export type TerminalApprovalChannelConfig = z.input<typeof configSchema>;

/**
 * An {@link ApprovalChannel} that asks the person at the terminal about each filed request,
 * one at a time in the order filed. The first decision wins; an answer given after the
 * deadline is refused and the person is told. When the handler times a request out while
 * it is being asked, the question ends and the person is told.
 */
export class TerminalApprovalChannel implements ApprovalChannel<TerminalApprovalChannelConfig> {
  readonly #input: Readable;
  readonly #output: Writable;
  readonly #clock: Clock;
  readonly #decisions: LocalDecisions;
  readonly #queue: string[] = [];
  #reviewer: string;
  #rl: Interface | undefined;
  #reader: LineReader | undefined;
  #current: { id: string; abort: AbortController } | undefined;
  #draining: Promise<void> | undefined;
  #shutDown = false;
  #initialized = false;

  constructor(options: TerminalApprovalChannelOptions = {}) {
    refuseSnakeCaseKeys("TerminalApprovalChannel", options);
    this.#input = options.input ?? process.stdin;
    this.#output = options.output ?? process.stdout;
    this.#clock = options.clock ?? systemClock;
    this.#reviewer = options.reviewer ?? defaultReviewer();
    const groups = [...(options.groups ?? [])];
    this.#decisions = new LocalDecisions({
      clock: this.#clock,
      defaultReviewer: this.#reviewer,
      groupsOf: (name) => (name === this.#reviewer ? groups : []),
    });
    // A failing output (a closed pipe) must not crash the process; sends report it as false.
    this.#output.on("error", () => {});
  }

  /**
   * Accepts `{ reviewer? }`; throws InvalidConfigError naming a bad key. Needed before
   * `sendNotification` (as for every notification channel); approval requests work with
   * the constructor options alone.
   */
  initialize(config: TerminalApprovalChannelConfig = {}): void {
    const parsed = parseConfig("TerminalApprovalChannel", configSchema, config);
    if (parsed.reviewer !== undefined) this.#reviewer = parsed.reviewer;
    this.#initialized = true;
  }

  /** Prints the alert on one line; false before `initialize`, after `shutdown` or when the output fails. */
  sendNotification(alert: SafetyAlert): Promise<boolean> {
    if (!this.#initialized || this.#shutDown) return Promise.resolve(false);
    const line = `[${alert.severity}] ${terminalText(alert.title)}: ${terminalText(alert.description)}\n`;
    return new Promise<boolean>((resolve) => {
      try {
        this.#output.write(line, (error) => resolve(!error));
      } catch {
        resolve(false);
      }
    });
  }

  /** Closes the readline interface; pending questions end without a decision. */
  shutdown(): void {
    this.#shutDown = true;
    this.#current?.abort.abort(new SafeguardsError(ErrorCode.SHUT_DOWN, "Channel shut down"));
    this.#rl?.close();
    this.#rl = undefined;
  }

  /**
   * Queues the request (idempotent by id); it is asked after those filed before it. Refuses
   * (SAFEGUARDS_INVALID_ARGUMENT) a request that needs more than one approval: one person at
   * one terminal can never be two distinct approvers.
   */
  async submitRequest(request: ApprovalRequest): Promise<void> {
    if (this.#shutDown) {
      throw new SafeguardsError(ErrorCode.SHUT_DOWN, "The terminal approval channel is shut down");
    }
    if ((request.requiredApprovals ?? 1) > 1) {
      throw new SafeguardsError(
        ErrorCode.INVALID_ARGUMENT,
        `Request ${request.id} needs ${request.requiredApprovals} approvals from distinct reviewers; the terminal has one reviewer, so it was refused (use an approval inbox or the in-process channel)`,
        { details: { requiredApprovals: request.requiredApprovals } },
      );
    }
    if (!this.#decisions.file(request)) return;
    this.#queue.push(request.id);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  onDecision(listener: DecisionListener): () => void {
    return this.#decisions.onDecision(listener);
  }

  /** Requests not yet decided, oldest first. */
  pending(): ApprovalRequest[] {
    return this.#decisions.pending();
  }

  /** Resolves once every queued request has been asked (for tests and scripts). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async cancelRequest(id: string): Promise<ApprovalDecision | undefined> {
    return this.#close(id, "cancelled");
  }

  async expireRequest(id: string): Promise<ApprovalDecision | undefined> {
    return this.#close(id, "timed_out");
  }

  async getRecord(id: string): Promise<ApprovalRecord | undefined> {
    return this.#decisions.get(id);
  }

  #close(id: string, status: "cancelled" | "timed_out"): ApprovalDecision | undefined {
    const earlier = this.#decisions.close(id, status);
    if (!earlier && this.#current?.id === id) {
      const why = status === "timed_out" ? "timed out" : "was cancelled by the agent";
      this.#current.abort.abort(
        new SafeguardsError(ErrorCode.EXPIRED, `Request ${id} ${why}; no decision was recorded.`),
      );
    }
    return earlier;
  }

  async #drain(): Promise<void> {
    for (let id = this.#queue.shift(); id !== undefined; id = this.#queue.shift()) {
      if (this.#shutDown) return;
      const record = this.#decisions.get(id);
      if (!record) continue;
      if (record.decision) {
        this.#write(`Skipping ${id}: it is already ${record.decision.status}.\n`);
        continue;
      }
      const abort = new AbortController();
      this.#current = { id, abort };
      try {
        await this.#ask(record.request, abort.signal);
      } catch (error) {
        if (this.#shutDown) return;
        this.#write(`\n${error instanceof Error ? error.message : String(error)}\n`);
        if (this.#reader?.exhausted) {
          this.#write("Input closed: the remaining requests stay pending.\n");
          return;
        }
      } finally {
        this.#current = undefined;
      }
    }
  }

  async #ask(request: ApprovalRequest, signal: AbortSignal): Promise<void> {
    const waiting = this.#queue.length;
    this.#write(
      `\n${formatRequest(request, this.#clock.now())}${waiting > 0 ? `  (${waiting} more waiting)\n` : ""}`,
    );
    // A line typed before this card was shown (say, just as the previous request timed
    // out) must never answer it.
    const ignored = this.#lines().discardBuffered();
    if (ignored > 0)
      this.#write(`(Ignored ${ignored} line(s) typed before this request was shown.)\n`);
    const allowed = ORDER.filter((d) => request.allowedDecisions.includes(d));
    const prompt = `${allowed.map((d) => LABELS[d]).join(" / ")}? `;
    for (;;) {
      const answer = (await this.#question(prompt, signal)).toLowerCase();
      const type = allowed.find((d) => answer === KEYS[d] || answer === d);
      if (!type) {
        this.#write(`Please answer ${allowed.map((d) => KEYS[d]).join(", ")}.\n`);
        continue;
      }
      if (type === "approve") {
        if (this.#record(request, "approve", undefined, undefined)) return;
      } else if (type === "reject") {
        const reason = await this.#askReason(signal);
        if (this.#record(request, "reject", undefined, reason)) return;
      } else {
        const changes = await askChanges(modificationTarget(request), {
          question: (prompt) => this.#question(prompt, signal),
          write: (text) => this.#write(text),
        });
        if (changes && this.#record(request, "modify", changes, undefined)) return;
      }
    }
  }

  async #askReason(signal: AbortSignal): Promise<string> {
    for (;;) {
      const reason = await this.#question("Reason (the agent is told): ", signal);
      if (reason !== "") return reason;
      this.#write("A reason is required.\n");
    }
  }

  /** Records a decision; true when the request is done (recorded, or refused as too late). */
  #record(
    request: ApprovalRequest,
    type: DecisionType,
    responseData: JsonObject | undefined,
    comments: string | undefined,
  ): boolean {
    try {
      const options =
        comments === undefined
          ? { reviewer: this.#reviewer }
          : { reviewer: this.#reviewer, comments };
      const decision = this.#decisions.decide(request.id, type, responseData, options);
      // One approval settles it: the terminal refuses requests that need more.
      this.#write(`Recorded: ${decision?.status} by ${terminalText(this.#reviewer)}.\n`);
      return true;
    } catch (error) {
      if (isSafeguardsError(error, ErrorCode.UNAUTHORIZED)) {
        this.#write(`Refused: ${(error as Error).message}. It stays pending for its assignees.\n`);
        return true;
      }
      const late =
        isSafeguardsError(error, ErrorCode.EXPIRED) ||
        isSafeguardsError(error, ErrorCode.ALREADY_DECIDED);
      this.#write(
        late
          ? `Too late: ${error instanceof Error ? error.message : error} Nothing was changed.\n`
          : `Refused: ${error instanceof Error ? error.message : error}\n`,
      );
      return late;
    }
  }

  async #question(prompt: string, signal: AbortSignal): Promise<string> {
    this.#write(prompt);
    return this.#lines().next(signal);
  }

  #lines(): LineReader {
    if (!this.#reader) {
      this.#rl = createInterface({ input: this.#input, crlfDelay: Number.POSITIVE_INFINITY });
      this.#reader = new LineReader(this.#rl);
    }
    return this.#reader;
  }

  #write(text: string): void {
    this.#output.write(text);
  }
}
