/**
 * @module modification
 * Rules for a MODIFIED decision: structured data, only existing fields, and arguments that
 * satisfy the action's `argsSchema` when it has one.
 */

import { InvalidModificationError } from "../errors.js";
import { assertArgsSatisfySchema } from "../json-schema/validate-json-schema.js";
import type { JsonObject } from "../util/json.js";
import type { ApprovalRequest } from "./approval-request.js";

/** The object a modification changes: `action.args` when there is an action, else `metadata`. */
export function modificationTarget(
  request: Pick<ApprovalRequest, "action" | "metadata">,
): JsonObject {
  return request.action ? request.action.args : request.metadata;
}

/**
 * Checks that `responseData` is a plain object that changes only fields that exist in the
 * request's `action.args` (or `metadata` when there is no action), and that the arguments
 * after it satisfy `action.argsSchema` when there is one. Throws
 * {@link InvalidModificationError} naming the unknown fields (details `unknownFields`) or the
 * schema errors (details `errors`).
 */
export function assertValidModification(
  request: Pick<ApprovalRequest, "id" | "action" | "metadata">,
  responseData: unknown,
): asserts responseData is JsonObject {
  if (responseData === null || typeof responseData !== "object" || Array.isArray(responseData)) {
    throw new InvalidModificationError(
      `Modification of action ${request.id} must be an object of field -> new value`,
    );
  }
  const keys = Object.keys(responseData);
  if (keys.length === 0) {
    throw new InvalidModificationError(`Modification of action ${request.id} changes no field`);
  }
  const target = modificationTarget(request);
  const unknown = keys.filter((k) => !Object.hasOwn(target, k));
  if (unknown.length > 0) {
    throw new InvalidModificationError(
      `Modification of action ${request.id} names unknown field(s): ${unknown.join(", ")}; only existing fields may change`,
      { unknownFields: unknown },
    );
  }
  const schema = request.action?.argsSchema;
  if (schema) {
    assertArgsSatisfySchema(
      request.id,
      schema,
      applyModification(target, responseData as JsonObject),
    );
  }
}

/** The arguments after applying a modification (a new object; the original is untouched). */
export function applyModification(target: JsonObject, responseData: JsonObject): JsonObject {
  return { ...target, ...responseData };
}
