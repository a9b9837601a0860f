/**
 * @module testing/hostile-schemas
 * Small JSON Schemas that an agent could send as `args_schema` to freeze whatever checks
 * them: in `@cfworker/json-schema` each takes seconds to minutes, or recurses without end,
 * on a value of a few bytes to 160 KB (issue 13, finding 1). For tests of an inbox or a
 * channel that checks agent-supplied schemas: every check must stay bounded.
 */
import type { JsonObject } from "../util/json.js";

/** One attack: a schema, a value that is slow to check, and one that is quick. */
export interface HostileSchema {
  /** What makes it slow, for test titles. */
  name: string;
  schema: JsonObject;
  /** A value whose check takes seconds or more (or never ends) without a bound. */
  hostile: JsonObject;
  /** A value of the same fields that is quick to check (absent when none is). */
  benign?: JsonObject;
}

/** `$defs` chain `d0 .. d{depth}` where each level references the next twice (2^depth steps). */
function doublingDefs(depth: number, leaf: JsonObject): JsonObject {
  const defs: JsonObject = { [`d${depth}`]: leaf };
  for (let i = 0; i < depth; i++) {
    defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
  }
  return defs;
}

const catastrophic = "^(a+)+$";

/** The three attacks of the report and four more; each value is at most 160 KB of JSON. */
export const HOSTILE_SCHEMAS: readonly HostileSchema[] = [
  {
    name: "format url (backtracking regex)",
    schema: { type: "object", properties: { u: { type: "string", format: "url" } } },
    hostile: { u: `http://${"a".repeat(31)}_` },
    benign: { u: "https://example.com/" },
  },
  {
    name: "uniqueItems on 20,000 arrays",
    schema: { type: "object", properties: { xs: { type: "array", uniqueItems: true } } },
    hostile: { xs: Array.from({ length: 20_000 }, (_, i) => [i]) },
    benign: { xs: [[0], [1]] },
  },
  {
    name: "$defs chain referencing each level twice",
    schema: {
      $defs: doublingDefs(24, { type: "string" }),
      type: "object",
      properties: {
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a promise
        x: { if: { type: "string" }, then: { $ref: "#/$defs/d0" } },
      },
    },
    hostile: { x: "s" },
    benign: { x: 0 },
  },
  {
    name: "$defs chain of failing references (errors pile up)",
    schema: { $defs: doublingDefs(24, { type: "number" }), $ref: "#/$defs/d0" },
    hostile: { x: "s" },
  },
  {
    name: "pattern that backtracks catastrophically",
    schema: { type: "object", properties: { code: { type: "string", pattern: catastrophic } } },
    hostile: { code: `${"a".repeat(40)}!` },
    benign: { code: "aaa" },
  },
  {
    name: "patternProperties that backtracks catastrophically",
    schema: { type: "object", patternProperties: { [catastrophic]: { type: "string" } } },
    hostile: { [`${"a".repeat(40)}!`]: "x" },
  },
  {
    name: "$ref to itself (endless recursion)",
    schema: { type: "object", $ref: "#" },
    hostile: { x: 1 },
  },
];
