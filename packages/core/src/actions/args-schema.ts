/**
 * @module actions/args-schema
 * Checks arguments against a tool's JSON Schema (`action.argsSchema` / `args_schema`), so a
 * reviewer's modification can only produce arguments the tool accepts. Used by
 * `assertValidModification` (every local check of a modification) and by the inbox.
 */
import { Validator } from "@cfworker/json-schema";
import { InvalidModificationError } from "../errors.js";
import type { JsonObject } from "../util/json.js";
import { checkInWorkerAsync } from "./async-schema-check.js";
import {
  checkInWorker,
  type SchemaCheckError,
  type SchemaCheckReply,
} from "./schema-check-worker.js";

/** How long a schema check with `pattern`s may take before it is refused (ms). */
export const SCHEMA_CHECK_TIMEOUT_MS = 250;

/**
 * Validates `value` against a JSON Schema (draft 2020-12). Answers the error messages, empty
 * when valid. A schema the validator cannot use is reported as an error, never thrown. A
 * schema with `pattern`s is checked in a worker thread, at most `timeoutMs` (a pattern may
 * backtrack catastrophically on some input): past that the answer is the error
 * `args_schema cannot be used: checking took longer than ...`, and the process never hangs.
 */
export function validateJsonSchema(
  schema: JsonObject,
  value: unknown,
  options: { timeoutMs?: number } = {},
): string[] {
  if (!hasPatterns(schema)) {
    try {
      return messages(new Validator(schema as never, "2020-12", false).validate(value));
    } catch (error) {
      return [`args_schema cannot be used: ${(error as Error).message}`];
    }
  }
  const timeoutMs = options.timeoutMs ?? SCHEMA_CHECK_TIMEOUT_MS;
  return answer(checkInWorker(schema, value, timeoutMs), timeoutMs);
}

/**
 * {@link validateJsonSchema} for servers: the same answers, but a schema with `pattern`s is
 * checked without blocking the event loop (the caller awaits the worker, at most
 * `timeoutMs` of its work).
 */
export async function validateJsonSchemaAsync(
  schema: JsonObject,
  value: unknown,
  options: { timeoutMs?: number } = {},
): Promise<string[]> {
  if (!hasPatterns(schema)) return validateJsonSchema(schema, value);
  const timeoutMs = options.timeoutMs ?? SCHEMA_CHECK_TIMEOUT_MS;
  return answer(await checkInWorkerAsync(schema, value, timeoutMs), timeoutMs);
}

function answer(reply: SchemaCheckReply | "timeout", timeoutMs: number): string[] {
  if (reply === "timeout") {
    return [
      `args_schema cannot be used: checking took longer than ${timeoutMs} ms (a pattern may backtrack catastrophically on this input)`,
    ];
  }
  return reply.ok ? messages(reply) : [`args_schema cannot be used: ${reply.message}`];
}

function messages(result: { valid: boolean; errors: SchemaCheckError[] }): string[] {
  return result.valid
    ? []
    : result.errors
        .filter((e) => e.keyword !== "properties" && e.keyword !== "allOf")
        .map((e) => `${e.instanceLocation}: ${e.error}`);
}

/** Whether a schema holds a `pattern` or `patternProperties` anywhere (regexes to run). */
function hasPatterns(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasPatterns);
  if (node === null || typeof node !== "object") return false;
  for (const [key, child] of Object.entries(node)) {
    if ((key === "pattern" && typeof child === "string") || key === "patternProperties") {
      return true;
    }
    if (hasPatterns(child)) return true;
  }
  return false;
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
