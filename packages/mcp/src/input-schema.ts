/**
 * @module input-schema
 * An upstream tool's `inputSchema` (JSON Schema, written by whoever runs the upstream) as
 * core's review reads it: shown to the reviewer as `args_schema`, and the check of the
 * call's arguments and of a reviewer's modification. Every check runs in core's bounded
 * worker (`validateJsonSchemaAsync`), so a huge or recursive schema cannot freeze the
 * gateway.
 */
import type { JsonObject } from "@safeguards/core";
import { type CallArgsSchema, validateJsonSchemaAsync } from "@safeguards/core/internal";

/** A schema larger than this (bytes of JSON) is not sent to the inbox; it is still checked here. */
export const MAX_ARGS_SCHEMA_BYTES = 64 * 1024;

/** How core answers a schema it cannot use (the start of the one error). */
const UNUSABLE = "args_schema cannot be used";

/** What checking the call's own arguments found. */
export type ArgsCheck =
  | { ok: true }
  | { ok: false; unusable: true; problem: string }
  | { ok: false; unusable: false; problem: string };

/** An upstream tool's input schema. */
export interface ToolInputSchema extends CallArgsSchema {
  /** Checks the arguments the client sent. */
  check(args: JsonObject): Promise<ArgsCheck>;
}

/** Wraps `schema` (undefined: the tool declared none, every object is accepted). */
export function toolInputSchema(schema: JsonObject | undefined): ToolInputSchema {
  const shown =
    schema !== undefined && sizeOf(schema) <= MAX_ARGS_SCHEMA_BYTES ? schema : undefined;
  let usable = true;
  const check = async (args: JsonObject): Promise<ArgsCheck> => {
    if (schema === undefined) return { ok: true };
    const errors = await validateJsonSchemaAsync(schema, args);
    if (errors.length === 0) return { ok: true };
    const problem = errors.join("; ");
    if (errors[0]?.startsWith(UNUSABLE)) {
      usable = false;
      return { ok: false, unusable: true, problem };
    }
    return { ok: false, unusable: false, problem };
  };
  return {
    check,
    jsonSchema: () => (usable ? shown : undefined),
    async problem(args) {
      const result = await check(args);
      return result.ok ? undefined : result.problem;
    },
  };
}

function sizeOf(schema: JsonObject): number {
  try {
    return Buffer.byteLength(JSON.stringify(schema));
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
