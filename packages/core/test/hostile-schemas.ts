/**
 * @module test/hostile-schemas
 * Small JSON Schemas (with a value) whose check takes seconds to minutes in
 * `@cfworker/json-schema` when nothing bounds it (issue 13, finding 1).
 */
import type { JsonObject } from "../src/index.js";

/** A schema, a value it is slow to check against, and a name for test titles. */
export interface HostileSchema {
  name: string;
  schema: JsonObject;
  value: JsonObject;
}

/** `$defs` chain `d0 .. d{depth}` where each level references the next twice (2^depth steps). */
export function doublingRefs(depth: number): JsonObject {
  const defs: JsonObject = { [`d${depth}`]: { type: "string" } };
  for (let i = 0; i < depth; i++) {
    defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
  }
  return { $defs: defs, type: "object", properties: { x: { $ref: "#/$defs/d0" } } };
}

/** The three attacks of the report, each many seconds of CPU when unbounded. */
export const HOSTILE_SCHEMAS: HostileSchema[] = [
  {
    name: "format url (backtracking regex)",
    schema: { type: "object", properties: { u: { type: "string", format: "url" } } },
    value: { u: `http://${"a".repeat(31)}_` },
  },
  {
    name: "uniqueItems on 20,000 arrays",
    schema: { type: "object", properties: { xs: { type: "array", uniqueItems: true } } },
    value: { xs: Array.from({ length: 20_000 }, (_, i) => [i]) },
  },
  {
    name: "$defs chain referencing each level twice",
    schema: doublingRefs(24),
    value: { x: "s" },
  },
];
