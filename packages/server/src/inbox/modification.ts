/**
 * @module inbox/modification
 * Checks a reviewer's `modify` decision: `response_data` may only change fields that exist
 * in `action.args` (or `metadata` when there is no action), and the result must satisfy
 * `action.args_schema` (core's `validateJsonSchemaAsync`, i.e. `@cfworker/json-schema`, every
 * check run in a worker thread under a 250 ms deadline, off the event loop).
 */
import { ErrorCode, isSafeguardsError, type JsonObject } from "@safeguards/core";
import {
  assertValidModification,
  applyModification as mergeModification,
  modificationTarget,
  validateJsonSchemaAsync,
} from "@safeguards/core/internal";
import type { StoredRecord } from "../store/action-store.js";
import { InboxError } from "./inbox-error.js";

/**
 * Answers the arguments after the modification, or throws {@link InboxError}
 * `invalid_modification` (unknown field, no field, or a result failing `args_schema`).
 */
export async function applyModification(
  record: StoredRecord,
  responseData: JsonObject | undefined,
): Promise<JsonObject> {
  const request = {
    id: record.id,
    metadata: record.metadata as JsonObject,
    ...(record.action
      ? { action: { name: record.action.name, args: record.action.args as JsonObject } }
      : {}),
  };
  try {
    assertValidModification(request, responseData);
  } catch (error) {
    if (!isSafeguardsError(error, ErrorCode.INVALID_MODIFICATION)) throw error;
    const unknownFields = (error.details as { unknownFields?: string[] } | undefined)
      ?.unknownFields;
    throw new InboxError(
      "invalid_modification",
      error.message,
      unknownFields ? { unknown_fields: unknownFields } : undefined,
    );
  }
  const result = mergeModification(modificationTarget(request), responseData);
  const schema = record.action?.args_schema;
  if (schema) {
    const errors = await validateJsonSchemaAsync(schema as JsonObject, result);
    if (errors.length > 0) {
      throw new InboxError(
        "invalid_modification",
        `The modified arguments do not satisfy args_schema: ${errors.join("; ")}`,
        { errors },
      );
    }
  }
  return result;
}
