import { describe, expect, it } from "vitest";
import { validateJsonSchema } from "../src/index.js";
import { validateJsonSchemaAsync } from "../src/internal.js";
import { HOSTILE_SCHEMAS } from "../src/testing/index.js";

const withPattern = (pattern: string) => ({
  type: "object",
  properties: { code: { type: "string", pattern } },
  required: ["code"],
});

describe("validateJsonSchema", () => {
  it("checks patterns (in a worker) with the same answers as schemas without them", () => {
    expect(validateJsonSchema(withPattern("^[A-Z]{3}$"), { code: "ABC" })).toEqual([]);
    expect(validateJsonSchema(withPattern("^[A-Z]{3}$"), { code: "abc" })).toEqual([
      "#/code: String does not match pattern.",
    ]);
    expect(
      validateJsonSchema(
        { type: "object", patternProperties: { "^x_": { type: "integer" } } },
        { x_a: "not a number", other: "free" },
      ),
    ).toEqual([
      '#: Property "x_a" matches pattern "^x_" but does not match associated schema.',
      '#/x_a: Instance type "string" is invalid. Expected "integer".',
    ]);
    expect(validateJsonSchema({ type: "object", required: ["code"] }, {})).toEqual([
      '#: Instance does not have required property "code".',
    ]);
    expect(validateJsonSchema(withPattern("(unclosed"), { code: "x" })).toEqual([
      "args_schema cannot be used: Invalid regular expression: /(unclosed/u: Unterminated group",
    ]);
  });

  it("refuses, instead of hanging, a pattern that backtracks catastrophically", () => {
    const started = performance.now();
    const errors = validateJsonSchema(
      withPattern("^(a+)+$"),
      { code: `${"a".repeat(40)}!` }, // about 2^40 steps for a backtracking engine
      { timeoutMs: 200 },
    );
    expect(errors).toEqual([
      "args_schema cannot be used: checking took longer than 200 ms (a pattern, format, uniqueItems or $ref structure of this schema takes too long on this input)",
    ]);
    expect(performance.now() - started).toBeLessThan(2_000); // thread start-up + 200 ms
    // The stuck worker was ended; the next check gets a new one and works.
    expect(validateJsonSchema(withPattern("^(a+)+$"), { code: "aaaa" })).toEqual([]);
    expect(validateJsonSchema(withPattern("^(a+)+$"), { code: "aab" })).toHaveLength(1);
  });

  it("async: a slow check times out alone; checks queued behind it still get their answers", async () => {
    const slow = validateJsonSchemaAsync(
      withPattern("^(a+)+$"),
      { code: `${"a".repeat(40)}!` },
      { timeoutMs: 200 },
    );
    const queued = [
      validateJsonSchemaAsync(withPattern("^[A-Z]{3}$"), { code: "ABC" }),
      validateJsonSchemaAsync(withPattern("^[A-Z]{3}$"), { code: "abc" }),
    ];
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 10);
    try {
      expect(await slow).toEqual([
        "args_schema cannot be used: checking took longer than 200 ms (a pattern, format, uniqueItems or $ref structure of this schema takes too long on this input)",
      ]);
      expect(await Promise.all(queued)).toEqual([[], ["#/code: String does not match pattern."]]);
    } finally {
      clearInterval(ticker);
    }
    expect(ticks).toBeGreaterThan(5); // nobody blocked the event loop meanwhile
    // Without patterns the answer is the same as the sync variant's.
    expect(await validateJsonSchemaAsync({ type: "object", required: ["code"] }, {})).toEqual(
      validateJsonSchema({ type: "object", required: ["code"] }, {}),
    );
  });
});

describe("every keyword is checked off the calling thread, under the deadline", () => {
  // Past the deadline, or the recursion ends in a stack overflow: the schema is refused.
  const refusal =
    /^args_schema cannot be used: (checking took longer than 250 ms|Maximum call stack)/;

  it.each(HOSTILE_SCHEMAS)("sync: $name is refused within the bound", ({ schema, hostile }) => {
    const started = performance.now();
    expect(validateJsonSchema(schema, hostile)).toEqual([expect.stringMatching(refusal)]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it.each(HOSTILE_SCHEMAS)(
    "async: $name is refused while the event loop runs",
    async ({ schema, hostile }) => {
      const started = performance.now();
      let ticks = 0;
      const ticker = setInterval(() => {
        ticks += 1;
      }, 10);
      try {
        expect(await validateJsonSchemaAsync(schema, hostile)).toEqual([
          expect.stringMatching(refusal),
        ]);
      } finally {
        clearInterval(ticker);
      }
      const elapsed = performance.now() - started;
      expect(elapsed).toBeLessThan(2_000);
      // A 10 ms ticker kept firing (a blocked loop fires it once); some answers are instant.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 100));
    },
  );

  it("reports at most 20 errors and counts the rest", async () => {
    const schema = { type: "array", items: { type: "string" } };
    const errors = await validateJsonSchemaAsync(
      schema,
      Array.from({ length: 500 }, (_, i) => i),
    );
    expect(errors).toHaveLength(21);
    expect(errors[1]).toBe('#/0: Instance type "number" is invalid. Expected "string".');
    expect(errors[20]).toMatch(/^\.\.\. and \d{3} more error\(s\)$/);
    expect(validateJsonSchema(schema, [1, 2]).join("\n")).not.toContain("more error");
  });
});
