/**
 * @module protocol/json-value-check
 * A fast, non-recursive check that the values of a JSON object are JSON values (strings,
 * finite numbers, booleans, null, arrays and plain objects of them, at most
 * {@link MAX_JSON_DEPTH} levels deep). It replaces a recursive zod union, which cost
 * ~40x more on large objects and overflowed the stack on deeply nested input.
 */

/** Deepest nesting of arrays/objects accepted in `metadata`, `args`, `response_data`, ... */
export const MAX_JSON_DEPTH = 1000;

/** One problem found by {@link findJsonValueIssue}. */
export interface JsonValueIssue {
  /** Path below the checked object, e.g. `["a", 2]`. */
  path: Array<string | number>;
  message: string;
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** `true` when `value` is a JSON scalar (a number must be finite). */
const isScalar = (value: unknown): boolean =>
  value === null ||
  typeof value === "string" ||
  typeof value === "boolean" ||
  (typeof value === "number" && Number.isFinite(value));

/**
 * `true` when every value of `root` (an object already known to be plain) is a JSON value.
 * Iterative (explicit stack), stops at the first problem, so cycles end at the depth bound.
 */
function allJsonValues(root: Record<string, unknown>): boolean {
  const values: unknown[] = [];
  const depths: number[] = [];
  for (const key of Object.keys(root)) {
    values.push(root[key]);
    depths.push(1);
  }
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (isScalar(value)) continue;
    if (typeof value !== "object" || depth >= MAX_JSON_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const item of value) {
        values.push(item);
        depths.push(depth + 1);
      }
    } else if (isPlainObject(value as object)) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        values.push(record[key]);
        depths.push(depth + 1);
      }
    } else {
      return false;
    }
  }
  return true;
}

/** Describes the first bad value (only called when {@link allJsonValues} said no). */
function describeFirst(
  value: unknown,
  path: Array<string | number>,
  depth: number,
): JsonValueIssue | undefined {
  if (isScalar(value)) return undefined;
  const kind =
    typeof value === "number" ? String(value) : value === undefined ? "undefined" : typeof value;
  if (typeof value !== "object" || value === null) {
    return { path, message: `Invalid input: expected a JSON value, received ${kind}` };
  }
  if (depth >= MAX_JSON_DEPTH) {
    return { path, message: `Invalid input: JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  if (!Array.isArray(value) && !isPlainObject(value)) {
    const name = (value as object).constructor?.name ?? "object";
    return { path, message: `Invalid input: expected a JSON value, received ${name}` };
  }
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const issue = describeFirst(item, [...path, key], depth + 1);
    if (issue) return issue;
  }
  return undefined;
}

/**
 * The first value of `root` (a plain object) that is not a JSON value, or `undefined` when
 * all are. Cheap when all are: the path is only worked out for a bad value.
 */
export function findJsonValueIssue(root: Record<string, unknown>): JsonValueIssue | undefined {
  if (allJsonValues(root)) return undefined;
  for (const key of Object.keys(root)) {
    const issue = describeFirst(root[key], [key], 1);
    if (issue) return issue;
  }
  return { path: [], message: "Invalid input: expected a JSON value" };
}
