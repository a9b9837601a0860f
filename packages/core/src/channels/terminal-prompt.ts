/**
 * @module terminal-prompt
 * Building blocks of the terminal approval channel: a line reader that buffers typed lines
 * and can be aborted, the request card it prints, and the parsing of modified field values.
 */
import { userInfo } from "node:os";
import type { Interface } from "node:readline";
import type { DecisionType } from "../actions/action-status.js";
import type { ApprovalRequest } from "../actions/approval-request.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import type { JsonValue } from "../util/json.js";

/** Prompt order: `[a]pprove / [r]eject / [m]odify`. */
export const ORDER: readonly DecisionType[] = ["approve", "reject", "modify"];
/** The key that picks each decision. */
export const KEYS: Record<DecisionType, string> = { approve: "a", reject: "r", modify: "m" };
/** How each decision is offered in the prompt. */
export const LABELS: Record<DecisionType, string> = {
  approve: "[a]pprove",
  reject: "[r]eject",
  modify: "[m]odify",
};

/** The OS user name, or "terminal" when it cannot be read. */
export function defaultReviewer(): string {
  try {
    return userInfo().username || "terminal";
  } catch {
    return "terminal";
  }
}

/** Lines typed at the terminal, read one at a time; lines typed ahead are kept in order. */
export class LineReader {
  readonly #lines: string[] = [];
  #waiting: { resolve(line: string): void; reject(error: unknown): void } | undefined;
  #closed = false;

  /** Reads from the `line` and `close` events of `rl`. */
  constructor(rl: Interface) {
    rl.on("line", (line) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting.resolve(line);
      else this.#lines.push(line);
    });
    rl.on("close", () => {
      this.#closed = true;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.reject(closedError());
    });
  }

  /** True once the input ended and every buffered line was read. */
  get exhausted(): boolean {
    return this.#closed && this.#lines.length === 0;
  }

  /** Drops lines typed ahead (before the current question was shown); returns how many. */
  discardBuffered(): number {
    return this.#lines.splice(0).length;
  }

  /** The next line (trimmed); rejects when the input ends or `signal` aborts. */
  next(signal?: AbortSignal): Promise<string> {
    const buffered = this.#lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered.trim());
    if (this.#closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        this.#waiting = undefined;
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting = {
        resolve: (line) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(line.trim());
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
    });
  }
}

function closedError(): SafeguardsError {
  return new SafeguardsError(ErrorCode.SHUT_DOWN, "The terminal input was closed");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Untrusted text on one line, with control characters (LF, CR, ANSI escapes, ...) shown as
 * visible escapes, so agent text can never forge a line of the prompt.
 */
export function terminalText(text: string): string {
  return String(text).replace(CONTROL, (c) =>
    c === "\n"
      ? "\\n"
      : c === "\r"
        ? "\\r"
        : c === "\t"
          ? "\\t"
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const INDENT = " ".repeat(15);

/** Untrusted multi-line text: each line escaped, continuation lines indented under a label. */
function indentedText(text: string): string {
  return String(text)
    .split(/\r\n|\n/)
    .map(terminalText)
    .join(`\n${INDENT}`);
}

/** `2m 05s`-style duration of `ms`, rounded up to whole seconds (0 when negative). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m ${s}s` : `${m}m ${s}s`;
}

/** The card shown for one request: who asks what, the exact arguments, and the time left. */
export function formatRequest(request: ApprovalRequest, now: number): string {
  const lines = [
    `Approval request ${request.id}`,
    `  Title:       ${terminalText(request.title)}`,
    `  Severity:    ${request.severity}`,
    `  Agent:       ${terminalText(request.agentId)}`,
    `  Description: ${indentedText(request.description)}`,
  ];
  if (request.action) {
    lines.push(`  Action:      ${terminalText(request.action.name)}`);
    lines.push(`  Arguments:   ${indentJson(request.action.args)}`);
    if (Object.keys(request.metadata).length > 0) {
      lines.push(`  Metadata:    ${indentJson(request.metadata)}`);
    }
  } else {
    lines.push(`  Arguments:   ${indentJson(request.metadata)}`);
  }
  const left = request.expiresAt.getTime() - now;
  lines.push(`  Time left:   ${formatDuration(left)} (until ${request.expiresAt.toISOString()})`);
  return `${lines.join("\n")}\n`;
}

/** JSON, escaped (U+2028/9 included), indented to line up under a card label. */
export function indentJson(value: JsonValue): string {
  return indentedText(JSON.stringify(value, null, 2));
}

/** The result of parsing one typed field value. */
export type FieldParse = { ok: true; value: JsonValue } | { ok: false; error: string };

/**
 * Parses the text typed for a field whose current value is `original`.
 * A number field takes only a finite JSON number and a boolean field only `true`/`false`;
 * a string field takes the text as typed (so `1800.00` stays the string "1800.00", never a
 * float; a JSON-quoted `"..."` is unquoted); any other field takes JSON when the text
 * parses, else the text as a string.
 */
export function parseFieldValue(original: JsonValue | undefined, text: string): FieldParse {
  const parsed = parseJson(text);
  if (typeof original === "number") {
    if (parsed.ok && typeof parsed.value === "number" && Number.isFinite(parsed.value)) {
      return parsed;
    }
    return { ok: false, error: `must be a number (was ${JSON.stringify(original)})` };
  }
  if (typeof original === "boolean") {
    if (parsed.ok && typeof parsed.value === "boolean") return parsed;
    return { ok: false, error: "must be true or false" };
  }
  if (typeof original === "string") {
    if (parsed.ok && typeof parsed.value === "string") return parsed;
    return { ok: true, value: text };
  }
  return parsed.ok ? parsed : { ok: true, value: text };
}

function parseJson(text: string): FieldParse {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false, error: "not JSON" };
  }
}
