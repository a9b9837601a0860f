import { describe, expect, it } from "vitest";
import { protocol } from "../src/index.js";
import { MAX_JSON_DEPTH } from "../src/protocol/json-value-check.js";

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe("jsonObjectSchema (non-recursive JSON value check)", () => {
  it("accepts nested JSON values and answers a copy", () => {
    const input = { n: 1, s: "x", b: false, z: null, list: [1, "two", null, true, { q: [[]] }] };
    const result = protocol.jsonObjectSchema.safeParse(input);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(input);
  });

  it("refuses a non-object with zod's record message", () => {
    for (const value of ["x", [], null, 3]) {
      const result = protocol.jsonObjectSchema.safeParse(value);
      expect(result.error?.issues[0]?.message).toMatch(/^Invalid input: expected record/);
    }
  });

  it("names the path of a value that is not JSON", () => {
    const cases: Array<[unknown, string]> = [
      [undefined, "undefined"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [() => 1, "function"],
      [new Date(0), "Date"],
      [10n, "bigint"],
    ];
    for (const [bad, kind] of cases) {
      const result = protocol.jsonObjectSchema.safeParse({ ok: 1, a: { b: [1, bad] } });
      expect(result.success).toBe(false);
      expect(result.error?.issues).toEqual([
        expect.objectContaining({
          path: ["a", "b", 1],
          message: `Invalid input: expected a JSON value, received ${kind}`,
        }),
      ]);
    }
  });

  it("reports the field inside a request body", () => {
    const body = {
      id: "act_1",
      title: "t",
      description: "",
      severity: "INFO",
      agent_id: "agent",
      expires_at: "2030-01-01T00:00:00Z",
      metadata: { amounts: [1, Number.NaN] },
    };
    const result = protocol.approvalRequestBodySchema.safeParse(body);
    expect(result.error?.issues[0]?.path).toEqual(["metadata", "amounts", 1]);
  });

  it("bounds the depth instead of overflowing the stack, and ends on cycles", () => {
    expect(protocol.jsonObjectSchema.safeParse(nested(MAX_JSON_DEPTH)).success).toBe(true);
    const deepText = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;
    const tooDeep = protocol.jsonObjectSchema.safeParse(JSON.parse(deepText));
    expect(tooDeep.error?.issues[0]?.message).toBe(
      `Invalid input: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    cyclic.other = cyclic;
    expect(protocol.jsonObjectSchema.safeParse(cyclic).success).toBe(false);
  });

  it("drops __proto__ keys without touching the prototype", () => {
    const result = protocol.jsonObjectSchema.safeParse(
      JSON.parse('{"__proto__":{"polluted":"yes"},"b":1}'),
    );
    expect(result.data).toEqual({ b: 1 });
    expect(Object.getPrototypeOf(result.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
