/**
 * @module json-schema/validate-json-schema
 * Checks arguments against a tool's JSON Schema (`action.argsSchema` / `args_schema`), so a
 * reviewer's modification can only produce arguments the tool accepts. Used by
 * `assertValidModification` (every local check of a modification), by `checkDecision` and
 * by the inbox (filing and modification). The schema may come from an agent, so every check
 * runs in a worker thread under a deadline (`check-source.ts` says why), never on the
 * caller's thread.
 */
import { InvalidModificationError } from "../errors.js";
import type { JsonObject } from "../util/json.js";
import type { SchemaCheckReply } from "./check-source.js";
import { checkInWorker } from "./sync-worker.js";
import { checkInWorkerAsync } from "./worker-queue.js";

/** How long one schema check may run before it is refused (ms). */
export const SCHEMA_CHECK_TIMEOUT_MS = 250;

/** The prefix of every answer that refuses the schema itself (not the value). */
const UNUSABLE = "args_schema cannot be used";

/**
 * Validates `value` against a JSON Schema (draft 2020-12). Answers the error messages
 * (at most 20, then a count), empty when valid. A schema the validator cannot use is
 * reported as an error, never thrown. The check runs in a worker thread and the caller
 * waits for it synchronously, at most `timeoutMs` once the worker runs it (default
 * {@link SCHEMA_CHECK_TIMEOUT_MS}); past that the answer is the error
 * `args_schema cannot be used: checking took longer than ...`, and the process never hangs.
 * Servers use {@link validateJsonSchemaAsync}.
 */
export function validateJsonSchema(
  schema: JsonObject,
  value: unknown,
  options: { timeoutMs?: number } = {},
): string[] {
  const timeoutMs = options.timeoutMs ?? SCHEMA_CHECK_TIMEOUT_MS;
  return answer(checkInWorker(schema, value, timeoutMs), timeoutMs);
}

/**
 * {@link validateJsonSchema} without blocking the event loop: the same answers; checks wait
 * their turn for one persistent worker, and each may run at most `timeoutMs`.
 */
export async function validateJsonSchemaAsync(
  schema: JsonObject,
  value: unknown,
  options: { timeoutMs?: number } = {},
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? SCHEMA_CHECK_TIMEOUT_MS;
  return answer(await checkInWorkerAsync(schema, value, timeoutMs), timeoutMs);
}

function answer(reply: SchemaCheckReply | "timeout", timeoutMs: number): string[] {
  if (reply === "timeout") {
    return [
      `${UNUSABLE}: checking took longer than ${timeoutMs} ms (a pattern, format, uniqueItems or $ref structure of this schema takes too long on this input)`,
    ];
  }
  if (!reply.ok) return [`${UNUSABLE}: ${reply.message}`];
  if (reply.valid) return [];
  const messages = reply.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
  if (reply.more > 0) messages.push(`... and ${reply.more} more error(s)`);
  return messages;
}

/**
 * Throws {@link InvalidModificationError} (details `{ errors }`) when the arguments after a
 * modification do not satisfy the action's schema; does nothing without a schema.
 */
export function assertArgsSatisfySchema(
  actionId: string,
  schema: JsonObject | undefined,
  args: JsonObject,
): void {
  if (!schema) return;
  const errors = validateJsonSchema(schema, args);
  if (errors.length > 0) {
    throw new InvalidModificationError(
      `The modified arguments of action ${actionId} do not satisfy its args schema: ${errors.join("; ")}`,
      { errors },
    );
  }
}
