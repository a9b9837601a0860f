/**
 * @module tool-schema
 * An AI SDK tool's `inputSchema` (zod, Standard Schema or `jsonSchema()`) as core's review
 * reads it: its JSON Schema for the reviewer, and the check of a reviewer's modification
 * before the tool runs.
 */
import type { JsonObject } from "@safeguards/core";
import type { CallArgsSchema } from "@safeguards/core/internal";
import { asSchema, type FlexibleSchema } from "ai";

/** The result of {@link InputSchema.parse}. */
export type ParsedInput = { ok: true; value: unknown } | { ok: false; problem: string };

/** A tool's input schema: what {@link CallArgsSchema} needs, plus the parsed value. */
export interface InputSchema extends CallArgsSchema {
  /** Validates `args` and returns the parsed value (zod defaults and transforms applied). */
  parse(args: JsonObject): Promise<ParsedInput>;
}

/**
 * Wraps `inputSchema` (converted once, when first needed). A schema without a validator
 * (a bare `jsonSchema()` without `validate`) accepts any object as is.
 */
export function inputSchemaOf(inputSchema: FlexibleSchema | undefined): InputSchema {
  let schema: ReturnType<typeof asSchema> | undefined;
  const get = () => {
    schema ??= asSchema(inputSchema);
    return schema;
  };
  const parse = async (args: JsonObject): Promise<ParsedInput> => {
    if (inputSchema === undefined) return { ok: true, value: args };
    const validate = get().validate;
    if (!validate) return { ok: true, value: args };
    const result = await validate(args);
    return result.success
      ? { ok: true, value: result.value }
      : { ok: false, problem: result.error.message };
  };
  return {
    parse,
    async jsonSchema() {
      if (inputSchema === undefined) return undefined;
      try {
        return (await get().jsonSchema) as JsonObject;
      } catch {
        return undefined;
      }
    },
    async problem(args) {
      const parsed = await parse(args);
      return parsed.ok ? undefined : parsed.problem;
    },
  };
}
