/**
 * @module json-schema/check-source
 * The validation both schema-check workers run (`sync-worker.ts`, `worker-queue.ts`), as
 * JavaScript source evaluated inside the worker thread, and the shape of its answer. Every
 * keyword of a JSON Schema is checked there, never on the caller's thread: besides
 * `pattern`s, `@cfworker/json-schema`'s `format`s (`url`, `email`, ... use regular
 * expressions that backtrack), `uniqueItems` (quadratic) and `$ref` graphs (a reference used
 * twice per level doubles the work per level) can each take minutes on a small input.
 */

/** At most this many validation errors are reported (the rest are counted). */
export const MAX_REPORTED_ERRORS = 20;

/** Memory of a check worker: a check that needs more ends the worker and is refused. */
export const WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

/** One validation error, as @cfworker/json-schema reports it. */
export interface SchemaCheckError {
  keyword: string;
  instanceLocation: string;
  error: string;
}

/** The worker's answer; `more` counts the errors left out after {@link MAX_REPORTED_ERRORS}. */
export type SchemaCheckReply =
  | { ok: true; valid: boolean; errors: SchemaCheckError[]; more: number }
  | { ok: false; message: string };

/**
 * JavaScript source of `check(schema, value)` (a {@link SchemaCheckReply}), shared by the
 * workers of both variants; `workerData.validator` is the path of @cfworker/json-schema.
 * Errors of `properties`/`allOf` only repeat the errors beneath them and are dropped.
 */
export const CHECK_SOURCE = `
const { Validator } = require(require("node:worker_threads").workerData.validator);
const check = (schema, value) => {
  try {
    const result = new Validator(schema, "2020-12", false).validate(value);
    const errors = result.errors.filter((e) => e.keyword !== "properties" && e.keyword !== "allOf");
    return {
      ok: true,
      valid: result.valid,
      errors: errors
        .slice(0, ${MAX_REPORTED_ERRORS})
        .map((e) => ({ keyword: e.keyword, instanceLocation: e.instanceLocation, error: e.error })),
      more: Math.max(0, errors.length - ${MAX_REPORTED_ERRORS}),
    };
  } catch (error) {
    return { ok: false, message: String((error && error.message) || error) };
  }
};
`;
