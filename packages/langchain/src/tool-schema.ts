/**
 * @module tool-schema
 * A tool's argument schema as JSON Schema (for the reviewer) and as a validator (for a
 * reviewer's modification, checked before the tool runs).
 */

import { toJsonSchema, Validator } from "@langchain/core/utils/json_schema";
import { interopSafeParse, isInteropZodSchema, isZodSchemaV4 } from "@langchain/core/utils/types";
import type { JsonObject } from "@safeguards/core";
import type { CallArgsSchema } from "@safeguards/core/internal";
import { z } from "zod";

/** The part of a LangChain tool this module reads. */
export interface SchemaHolder {
  schema?: unknown;
}

const jsonSchemas = new WeakMap<object, JsonObject | undefined>();

/**
 * The JSON Schema of the tool's arguments (zod 4 `z.toJSONSchema`, input side), or
 * undefined when the tool has none or it cannot be represented. Cached per schema.
 */
export function argsJsonSchema(tool: SchemaHolder | undefined): JsonObject | undefined {
  const schema = tool?.schema;
  if (!schema || typeof schema !== "object") return undefined;
  if (jsonSchemas.has(schema)) return jsonSchemas.get(schema);
  let result: JsonObject | undefined;
  try {
    result = (
      isZodSchemaV4(schema)
        ? z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" })
        : toJsonSchema(schema as Parameters<typeof toJsonSchema>[0])
    ) as JsonObject;
  } catch {
    result = undefined;
  }
  jsonSchemas.set(schema, result);
  return result;
}

/** The result of {@link parseArgs}. */
export type ParsedArgs = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Checks `args` against the tool's schema (zod, or JSON Schema) and returns the parsed
 * value, or a short problem. A tool without a schema accepts any object as is.
 */
export function parseArgs(tool: SchemaHolder | undefined, args: JsonObject): ParsedArgs {
  const schema = tool?.schema;
  if (!schema || typeof schema !== "object") return { ok: true, value: args };
  try {
    if (isInteropZodSchema(schema)) {
      const result = interopSafeParse(schema, args);
      if (result.success) return { ok: true, value: result.data };
      const problem = result.error.issues
        .map((i) => `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`)
        .join("; ");
      return { ok: false, problem };
    }
    const result = new Validator(schema as ConstructorParameters<typeof Validator>[0]).validate(
      args,
    );
    if (result.valid) return { ok: true, value: args };
    return {
      ok: false,
      problem: result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join("; "),
    };
  } catch (error) {
    const detail = (error as Error)?.message ?? String(error);
    return { ok: false, problem: `the arguments could not be validated: ${detail}` };
  }
}

/** Why `args` do not fit the tool's schema, or undefined when they do. */
export function argsProblem(tool: SchemaHolder | undefined, args: JsonObject): string | undefined {
  const parsed = parseArgs(tool, args);
  return parsed.ok ? undefined : parsed.problem;
}

/** The tool's schema as core's `reviewCall` reads it (JSON Schema, validation). */
export function callArgsSchema(tool: SchemaHolder | undefined): CallArgsSchema {
  return { jsonSchema: () => argsJsonSchema(tool), problem: (args) => argsProblem(tool, args) };
}
