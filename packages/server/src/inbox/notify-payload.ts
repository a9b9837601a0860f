/**
 * @module inbox/notify-payload
 * The JSON payloads the PostgreSQL notifier (`postgres-notifier.ts`) sends over `NOTIFY`, and
 * how a received one is read. Small, ids only (the receiver reads the action from the store):
 *
 * - a decision `{"o": origin, "a": agentId, "i": actionId, "s": decisionSeq}` (no `k`);
 * - a filing `{"o", "k": "c", "a", "i"}`;
 * - an update of a pending action (an approval or modification recorded, an escalation step
 *   applied) `{"o", "k": "u", "a", "i"}`.
 *
 * One too large for `NOTIFY` (ids are bounded by the protocol, so only a misuse gets there)
 * is replaced by a bare `{"o"}`, which makes every other instance resync. A kind this version
 * does not know is ignored, so a newer instance can add kinds. (Instances older than the
 * `"u"` kind read any unknown `k` as a decision: their waiters of the agent wake and re-read,
 * finding the action still pending, and their live lists show it pending: harmless.)
 */

/** Payload limit of NOTIFY is 8000 bytes; stay well below. */
export const MAX_NOTIFY_PAYLOAD = 7000;

/** What one instance tells the others. */
export type NotifyMessage =
  | { kind: "decided"; agentId: string; actionId: string; decisionSeq: number }
  | { kind: "created" | "updated"; agentId: string; actionId: string };

/** A received payload, as read by {@link readNotifyPayload}. */
export type ReadPayload =
  | NotifyMessage
  /** Sent by this instance itself, unreadable, or of a kind this version does not know. */
  | { kind: "ignore" }
  /** Not a change this version can name (e.g. the bare oversized one): re-read everything. */
  | { kind: "resync" };

interface Wire {
  /** Origin instance. */
  o: string;
  /** Kind: absent for a decision, `"c"` for a filing, `"u"` for an update. */
  k?: string;
  a?: string;
  i?: string;
  s?: number;
}

const KIND_CODES = { created: "c", updated: "u" } as const;

/** The payload of `message` from `origin` (a bare `{"o"}` when it would be oversized). */
export function notifyPayload(origin: string, message: NotifyMessage): string {
  const wire: Wire =
    message.kind === "decided"
      ? { o: origin, a: message.agentId, i: message.actionId, s: message.decisionSeq }
      : { o: origin, k: KIND_CODES[message.kind], a: message.agentId, i: message.actionId };
  const payload = JSON.stringify(wire);
  return Buffer.byteLength(payload) > MAX_NOTIFY_PAYLOAD ? JSON.stringify({ o: origin }) : payload;
}

/** Reads a received `payload`; `origin` is this instance's (its own echo is ignored). */
export function readNotifyPayload(payload: string, origin: string): ReadPayload {
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(payload) as Partial<Wire>;
  } catch {
    return { kind: "ignore" };
  }
  if (typeof wire !== "object" || wire === null || Array.isArray(wire)) return { kind: "ignore" };
  if (wire.o === origin) return { kind: "ignore" };
  if (wire.k !== undefined && wire.k !== "c" && wire.k !== "u") return { kind: "ignore" };
  if (typeof wire.a !== "string" || typeof wire.i !== "string") return { kind: "resync" };
  const ids = { agentId: wire.a, actionId: wire.i };
  if (wire.k === "c") return { kind: "created", ...ids };
  if (wire.k === "u") return { kind: "updated", ...ids };
  const decisionSeq = typeof wire.s === "number" ? wire.s : 0;
  return { kind: "decided", ...ids, decisionSeq };
}
