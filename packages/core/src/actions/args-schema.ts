/**
 * @module actions/args-schema
 * Checks arguments against a tool's JSON Schema (`action.argsSchema` / `args_schema`), so a
 * reviewer's modification can only produce arguments the tool accepts. Used by
 * `assertValidModification` (every local check of a modification) and by the inbox.
 */
import { Validator } from "@cfworker/json-schema";
import { InvalidModificationError } from "../errors.js";
import type { JsonObject } from "../util/json.js";

/**
 * Validates `value` against a JSON Schema (draft 2020-12). Answers the error messages, empty
 * when valid. A schema the validator cannot use is reported as an error, never thrown.
 */
export function validateJsonSchema(schema: JsonObject, value: unknown): string[] {
  try {
    const result = new Validator(schema as never, "2020-12", false).validate(value);
    return result.valid
      ? []
      : result.errors
          .filter((e) => e.keyword !== "properties" && e.keyword !== "allOf")
          .map((e) => `${e.instanceLocation}: ${e.error}`);
  } catch (error) {
    return [`args_schema cannot be used: ${(error as Error).message}`];
  }
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
