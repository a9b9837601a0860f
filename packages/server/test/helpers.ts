/**
 * @module test/helpers
 * Server-test helpers over the shared fixtures (`@safeguards/test-support`, re-exported here
 * so the server tests keep one import): request bodies, a temporary SQLite path and a small
 * JSON HTTP client.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, hashArgs, type protocol } from "@safeguards/core";
import { AGENT, AGENT_KEY, REVIEWER_TOKEN } from "@safeguards/test-support";

export {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  REVIEWER_B_TOKEN,
  REVIEWER_TOKEN,
  SECRET,
  startTestInbox as startInbox,
} from "@safeguards/test-support";

/** A fresh temporary SQLite file path. */
export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), "safeguards-inbox-")), "nested", "inbox.db");
}

let counter = 0;
/** A unique action id. */
export const newId = () => `act_${process.pid}_${Date.now().toString(36)}_${++counter}`;

/** A valid request body, expiring `ttlMs` after `clock.now()`. */
export function requestBody(
  clock: Pick<Clock, "now"> = { now: Date.now },
  overrides: Partial<protocol.ApprovalRequestBody> = {},
  ttlMs = 300_000,
): protocol.ApprovalRequestBody {
  const args = { amount: "2500.00", to: "ACME" };
  return {
    id: newId(),
    title: "Approve High-Value Transaction",
    description: "Agent financial_advisor requests a $2500.00 transfer",
    severity: "WARNING",
    agent_id: AGENT,
    metadata: { action_type: "transaction", amount: "2500.00" },
    action: {
      name: "transfer_funds",
      args,
      args_schema: {
        type: "object",
        properties: {
          amount: { type: "string", pattern: "^[0-9]+\\.[0-9]{2}$" },
          to: { type: "string", minLength: 1 },
        },
        required: ["amount", "to"],
        additionalProperties: false,
      },
    },
    args_hash: hashArgs(args),
    allowed_decisions: ["approve", "modify", "reject"],
    created_at: new Date(clock.now()).toISOString(),
    expires_at: new Date(clock.now() + ttlMs).toISOString(),
    ...overrides,
  };
}

/** Answer of {@link call}. */
export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  body: any;
  headers: Headers;
}

/** Sends a JSON request to `base + path`. */
export async function call(
  base: string,
  path: string,
  options: {
    method?: string;
    token?: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined = options.raw;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(base + path, {
    method: options.method ?? (payload === undefined ? "GET" : "POST"),
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, body, headers: response.headers };
}

/** Files `body` as the financial agent. */
export const file = (url: string, body: unknown, token = AGENT_KEY) =>
  call(url, "/request-approval", { token, body });

/** Decides as alice. */
export const decideAs = (url: string, id: string, body: unknown, token = REVIEWER_TOKEN) =>
  call(url, `/actions/${encodeURIComponent(id)}/decision`, { token, body });
