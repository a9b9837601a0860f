/**
 * @module test/reliability/reviewer
 * A scripted reviewer deciding over HTTP through any live inbox instance, retrying network
 * errors and 5xx (an instance killed or the database restarting), sometimes sending the same
 * decision to two instances at once, or two different decisions racing each other.
 */
import type { LedgerEntry } from "./ledger.js";
import { sleep } from "./reliability-env.js";

/** A decision body of PROTOCOL.md. */
export type DecisionBody = {
  type: "approve" | "modify" | "reject";
  response_data?: Record<string, unknown>;
  comments?: string;
};

/**
 * Outcome of one decision request: `won` settled the action, `counted` was one approval of
 * several needed (200, still pending), `refused` got 409.
 */
export type Answer = "won" | "counted" | "refused";

/** Options of {@link sendDecision}. */
export interface SendOptions {
  attempts?: number;
  /** Index of the instance tried first. */
  prefer?: number;
  /** Retry 403 too: the reviewer is assigned only once an escalation step reaches them. */
  waitForAssignment?: boolean;
}

/** Sends one decision, retrying through `urls()` until an answer that is not a 5xx. */
export async function sendDecision(
  urls: () => string[],
  token: string,
  id: string,
  body: DecisionBody,
  options: SendOptions = {},
): Promise<Answer> {
  const attempts = options.attempts ?? 40;
  let last = "";
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const live = urls();
    const base = live[((options.prefer ?? 0) + attempt) % live.length];
    if (!base) throw new Error("no inbox instance is configured");
    try {
      const res = await fetch(`${base}/actions/${encodeURIComponent(id)}/decision`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 200)
        return (JSON.parse(text) as { status?: string }).status === "pending" ? "counted" : "won";
      if (res.status === 409) return "refused";
      const waiting = res.status === 403 && options.waitForAssignment;
      if (res.status < 500 && !waiting)
        throw new Error(`decision on ${id} refused: ${res.status} ${text}`);
      last = `${res.status} ${text.slice(0, 200)}`;
    } catch (error) {
      if ((error as Error).message.startsWith("decision on")) throw error;
      last = String((error as Error).cause ?? error);
    }
    await sleep(100 + attempt * 50);
  }
  throw new Error(`decision on ${id} never got an answer: ${last}`);
}

/**
 * Sends `bodies` at once (each to the instance at the same index), records the answers;
 * `send` replaces the API call (e.g. a reviewer deciding by web, email or Slack).
 */
export async function decideConcurrently(
  urls: () => string[],
  token: string,
  entry: LedgerEntry,
  bodies: ({ body: DecisionBody } & SendOptions)[],
  send: (body: DecisionBody, options: SendOptions) => Promise<Answer> = (body, options) =>
    sendDecision(urls, token, entry.id, body, options),
): Promise<void> {
  const answers = await Promise.all(bodies.map((b) => send(b.body, b)));
  for (const a of answers) {
    if (a === "won") entry.decisionWins += 1;
    else if (a === "counted") entry.approvalsCounted += 1;
    else entry.decisionRefusals += 1;
  }
}
