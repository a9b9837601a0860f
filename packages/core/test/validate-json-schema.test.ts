import { loopTurnsWhile } from "@safeguards/test-support/event-loop";
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
    // A hang would end in the test's timeout; how long the refusal takes is not asserted here.
    const errors = validateJsonSchema(
      withPattern("^(a+)+$"),
      { code: `${"a".repeat(40)}!` }, // about 2^40 steps for a backtracking engine
      { timeoutMs: 200 },
    );
    expect(errors).toEqual([
      "args_schema cannot be used: checking took longer than 200 ms (a pattern, format, uniqueItems or $ref structure of this schema takes too long on this input)",
    ]);
    // The stuck worker was ended; the next check gets a new one and works.
    expect(validateJsonSchema(withPattern("^(a+)+$"), { code: "aaaa" })).toEqual([]);
    expect(validateJsonSchema(withPattern("^(a+)+$"), { code: "aab" })).toHaveLength(1);
  });

  it("async: a slow check times out alone; checks queued behind it still get their answers", async () => {
    const { turns, outcome } = await loopTurnsWhile(async () => {
      const slow = validateJsonSchemaAsync(
        withPattern("^(a+)+$"),
        { code: `${"a".repeat(40)}!` },
        { timeoutMs: 200 },
      );
      const queued = [
        validateJsonSchemaAsync(withPattern("^[A-Z]{3}$"), { code: "ABC" }),
        validateJsonSchemaAsync(withPattern("^[A-Z]{3}$"), { code: "abc" }),
      ];
      return { slow: await slow, queued: await Promise.all(queued) };
    });
    expect(outcome).toEqual({
      status: "fulfilled",
      value: {
        slow: [
          "args_schema cannot be used: checking took longer than 200 ms (a pattern, format, uniqueItems or $ref structure of this schema takes too long on this input)",
        ],
        queued: [[], ["#/code: String does not match pattern."]],
      },
    });
    // The slow check is answered by its deadline: a blocked event loop would run no turn first.
    expect(turns).toBeGreaterThan(0);
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
    // Past the deadline the check is cut off (a hang would end in the test's timeout).
    expect(validateJsonSchema(schema, hostile)).toEqual([expect.stringMatching(refusal)]);
  });

  it.each(HOSTILE_SCHEMAS)(
    "async: $name is refused while the event loop runs",
    async ({ schema, hostile }) => {
      const { turns, outcome } = await loopTurnsWhile(() =>
        validateJsonSchemaAsync(schema, hostile),
      );
      expect(outcome).toEqual({ status: "fulfilled", value: [expect.stringMatching(refusal)] });
      // A refusal by the deadline comes after at least one turn of a running event loop (a
      // blocked one runs none); a stack overflow may be answered before any turn.
      const [answer] = (outcome as PromiseFulfilledResult<string[]>).value;
      if (answer?.includes("took longer")) expect(turns).toBeGreaterThan(0);
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
