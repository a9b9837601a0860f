/**
 * @module json
 * JSON value types and the canonical hash of arguments (RFC 8785 + SHA-256).
 */
import { hash } from "node:crypto";
import { canonicalize } from "./canonical-json.js";

/** Any JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation of `value` (see canonical-json.ts).
 * @throws {TypeError} for a value without a canonical form (undefined, NaN, ±Infinity,
 *   BigInt, a lone surrogate, a cycle).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("Value cannot be serialised as canonical JSON");
  return text;
}

/** `sha256:<hex>` of the canonical JSON of `args`; the `args_hash` of PROTOCOL.md. */
export function hashArgs(args: unknown): string {
  return `sha256:${hash("sha256", canonicalJson(args), "hex")}`;
}
