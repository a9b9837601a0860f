/**
 * @module canonical-json
 * RFC 8785 JSON Canonicalization Scheme (JCS): numbers as ECMAScript writes them
 * (`Number.prototype.toString`, which `JSON.stringify` uses), strings escaped as
 * `JSON.stringify` escapes them, object members sorted by the UTF-16 code units of their
 * names, no whitespace. Replaces the `canonicalize` package (5.x declares Node >= 22) with
 * the same output, so every existing `args_hash` stays the same.
 *
 * Beyond JSON values it follows `JSON.stringify`: `toJSON()` is applied, boxed primitives
 * are unwrapped, `undefined` / functions / symbols are left out of objects and written as
 * `null` in arrays. It refuses what has no canonical form: NaN, ±Infinity, BigInt, strings
 * with a lone surrogate, and cycles. Iterative (explicit stack), so deep nesting cannot
 * overflow the call stack.
 */

/** Thrown for a value that has no RFC 8785 form. */
export class CanonicalJsonError extends TypeError {
  override name = "CanonicalJsonError";
}

/** A lone (unpaired) UTF-16 surrogate: not valid Unicode, refused by RFC 8785. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError("Lone surrogate is not allowed");
  return JSON.stringify(value);
}

/** A primitive's text, or `undefined` for a value JSON has no form for (left out). */
function serializePrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return serializeString(value);
    case "number":
      if (Number.isNaN(value)) throw new CanonicalJsonError("NaN is not allowed");
      if (!Number.isFinite(value)) throw new CanonicalJsonError("Infinity is not allowed");
      // ECMAScript Number::toString is RFC 8785's number format (and gives "0" for -0).
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new CanonicalJsonError("BigInt is not allowed");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      return "null"; // null
  }
}

type Container = Record<string, unknown> | unknown[];

interface Frame {
  container: Container;
  /** Sorted member names of an object; null for an array. */
  keys: string[] | null;
  index: number;
  first: boolean;
  /** Objects whose toJSON() produced this container (held in `seen` while it is open). */
  wrappers: object[];
}

/**
 * Resolves `toJSON` and boxed primitives; gives either the serialised primitive
 * (`undefined` when it has no JSON form) or a new frame for a container.
 */
function enter(value: unknown, key: string, seen: Set<object>): string | undefined | Frame {
  const wrappers: object[] = [];
  let current = value;
  while (
    current !== null &&
    typeof current === "object" &&
    typeof (current as { toJSON?: unknown }).toJSON === "function"
  ) {
    if (seen.has(current)) throw new CanonicalJsonError("Circular reference detected");
    seen.add(current);
    wrappers.push(current);
    current = (current as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (current instanceof Number || current instanceof String || current instanceof Boolean) {
    current = current.valueOf();
  }
  if (current === null || typeof current !== "object") {
    for (const wrapper of wrappers) seen.delete(wrapper);
    return serializePrimitive(current);
  }
  if (seen.has(current)) throw new CanonicalJsonError("Circular reference detected");
  seen.add(current);
  const container = current as Container;
  return {
    container,
    // The default sort compares UTF-16 code units: the order RFC 8785 requires.
    keys: Array.isArray(container) ? null : Object.keys(container).sort(),
    index: 0,
    first: true,
    wrappers,
  };
}

/**
 * RFC 8785 canonical JSON of `value`, or `undefined` when `value` has no JSON form
 * (`undefined`, a function, a symbol, or a `toJSON()` giving one of those).
 * @throws {CanonicalJsonError} for NaN, ±Infinity, BigInt, a lone surrogate or a cycle.
 */
export function canonicalize(value: unknown): string | undefined {
  const seen = new Set<object>();
  const root = enter(value, "", seen);
  if (typeof root !== "object") return root;

  let out = root.keys === null ? "[" : "{";
  const stack: Frame[] = [root];
  outer: while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const { container, keys } = frame;
    if (keys === null) {
      const array = container as unknown[];
      while (frame.index < array.length) {
        const i = frame.index++;
        if (i > 0) out += ",";
        const child = enter(array[i], String(i), seen);
        if (typeof child !== "object") {
          out += child ?? "null";
          continue;
        }
        out += child.keys === null ? "[" : "{";
        stack.push(child);
        continue outer;
      }
      out += "]";
    } else {
      const object = container as Record<string, unknown>;
      while (frame.index < keys.length) {
        const key = keys[frame.index++]!;
        const child = enter(object[key], key, seen);
        if (child === undefined) continue; // no JSON form: the member is left out
        out += `${frame.first ? "" : ","}${serializeString(key)}:`;
        frame.first = false;
        if (typeof child !== "object") {
          out += child;
          continue;
        }
        out += child.keys === null ? "[" : "{";
        stack.push(child);
        continue outer;
      }
      out += "}";
    }
    // Done with this container: a later sibling reference to it is not a cycle.
    seen.delete(container);
    for (const wrapper of frame.wrappers) seen.delete(wrapper);
    stack.pop();
  }
  return out;
}
