/**
 * @module test/reliability/fuzz-arbitraries
 * fast-check generators of malformed, oversized and hostile input for every endpoint of the
 * inbox: wrong types, huge strings, deep nesting, unicode (NUL, lone surrogates, RTL, emoji),
 * prototype-pollution keys, bad ids and query strings, and `args_schema`s that are slow to check.
 */

import { hashArgs } from "@safeguards/core";
import { HOSTILE_SCHEMAS } from "@safeguards/core/testing";
import fc from "fast-check";

/** Strings an attacker (or a confused LLM) would send. */
export const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 64 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff\ud800",
    "\u202e\u0041\u0042",
    "😀".repeat(50),
    "__proto__",
    "constructor",
    "prototype",
    "../../etc/passwd",
    "%00",
    "%",
    "%ZZ",
    "'; DROP TABLE actions; --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "NaN",
    "-1",
    "1e309",
    "9".repeat(40),
    "null",
    "[]",
    "{}",
  ),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => "x".repeat(n)),
);

/** Any JSON-ish value, including hostile strings as keys and values. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Raw bodies JSON.stringify cannot make: pollution keys, deep nesting, broken JSON. */
export const hostileRaw = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc.constantFrom(
      `{"__proto__":{"polluted":"yes"},${JSON.stringify(valid).slice(1)}`,
      `{"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(valid).slice(1)}`,
      `{${JSON.stringify(valid).slice(1, -1)},"metadata":{"__proto__":{"polluted":"yes"}}}`,
      `{${JSON.stringify(valid).slice(1, -1)},"response_data":{"__proto__":{"isAdmin":true}}}`,
      '{"type":"approve","__proto__":{"type":"modify"}}',
      '{"type":"approve","type":"reject"}',
      "",
      "null",
      "{",
      '{"a":1}}',
      "\ufeff{}",
      '{"a":"\\ud800"}',
      "[]",
    ),
    fc.integer({ min: 10, max: 100_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
    fc.integer({ min: 10, max: 50_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
    fc.string({ unit: "binary", maxLength: 200 }),
  );

/** A valid body with one field replaced (or removed, or an unknown one added). */
export const mutated = (valid: Record<string, unknown>) =>
  fc
    .tuple(
      fc.constantFrom(...Object.keys(valid), "unknown_field", "__proto__"),
      fc.option(hostileValue, { nil: undefined }),
    )
    .map(([key, value]) => {
      const body: Record<string, unknown> = { ...valid };
      if (value === undefined) delete body[key];
      else Object.defineProperty(body, key, { value, enumerable: true, writable: true });
      return JSON.stringify(body);
    });

/** Query string values that never ask the inbox to hold a request for long. */
export const quickQueryValue = hostileString.map((v) =>
  /^\s*[0-9.eE+]+\s*$/.test(v) && Number(v) > 0.05 ? "0" : v,
);

/** `encodeURIComponent`, with lone surrogates sent as their (invalid) UTF-8 bytes. */
export const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return `%ED%A0%80${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ""))}`;
  }
};

/** Path segments for `{id}`: hostile strings, percent-encoded or raw. */
export const hostileId = fc.oneof(
  hostileString.map(encode),
  fc.constantFrom(
    "%",
    "%ZZ",
    "%E0%A4%A",
    "..",
    "%2e%2e",
    "%00",
    "a%2Fb",
    "%C0%AF",
    "x".repeat(9000),
  ),
);

/** A valid body whose `args_schema` is one of core's hostile schemas, with its slow value. */
export const hostileSchemaBody = (valid: Record<string, unknown>) =>
  fc.constantFrom(...HOSTILE_SCHEMAS).map(({ schema, hostile }) =>
    JSON.stringify({
      ...valid,
      action: { name: "tool", args: hostile, args_schema: schema },
      args_hash: hashArgs(hostile),
    }),
  );
