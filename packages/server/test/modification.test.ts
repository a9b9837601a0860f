import type { JsonObject } from "@safeguards/core";
import { validateJsonSchema } from "@safeguards/core";
import { loopTurnsWhile } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { InboxError } from "../src/inbox/inbox-error.js";
import { applyModification } from "../src/inbox/modification.js";
import type { StoredRecord } from "../src/store/action-store.js";

const schema = {
  type: "object",
  properties: {
    amount: { type: "number", minimum: 0, maximum: 10_000 },
    count: { type: "integer" },
    currency: { type: "string", enum: ["USD", "EUR"] },
    note: { type: ["string", "null"], maxLength: 5 },
    urgent: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["amount", "currency"],
  additionalProperties: false,
};

const record = (withAction = true): StoredRecord => ({
  id: "act_1",
  status: "pending",
  title: "t",
  description: "d",
  severity: "INFO",
  agent_id: "bot",
  metadata: { reason: "limit" },
  action: withAction
    ? {
        name: "pay",
        args: { amount: 10, count: 1, currency: "USD", note: null, urgent: false, tags: [] },
        args_schema: schema,
      }
    : null,
  args_hash: null,
  allowed_decisions: ["approve", "modify", "reject"],
  created_at: "2026-01-01T00:00:00.000Z",
  expires_at: "2026-01-01T00:05:00.000Z",
  decision: null,
});

const refusal = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
  } catch (error) {
    return error as InboxError;
  }
  throw new Error("expected a refusal");
};

describe("applyModification", () => {
  it("merges changed fields that satisfy the schema", async () => {
    expect(
      await applyModification(record(), { amount: 99.5, currency: "EUR", tags: ["x"] }),
    ).toEqual({
      amount: 99.5,
      count: 1,
      currency: "EUR",
      note: null,
      urgent: false,
      tags: ["x"],
    });
  });

  it.each<[JsonObject, string]>([
    [{ amount: -1 }, "minimum"],
    [{ amount: 10_001 }, "maximum"],
    [{ amount: "10" }, "type"],
    [{ count: 1.5 }, "integer"],
    [{ currency: "GBP" }, "enum"],
    [{ note: "too long" }, "maxLength"],
    [{ urgent: "yes" }, "boolean"],
    [{ tags: [1] }, "items"],
  ])("refuses %j (%s) with invalid_modification", async (change) => {
    const error = await refusal(() => applyModification(record(), change));
    expect(error).toBeInstanceOf(InboxError);
    expect(error.wireCode).toBe("invalid_modification");
    expect(error.code).toBe("SAFEGUARDS_INVALID_MODIFICATION");
    expect((error.details as { errors: string[] }).errors.length).toBeGreaterThan(0);
  });

  it("refuses unknown and empty modifications, and checks metadata without an action", async () => {
    expect((await refusal(() => applyModification(record(), { extra: 1 }))).details).toEqual({
      unknown_fields: ["extra"],
    });
    expect((await refusal(() => applyModification(record(), {}))).wireCode).toBe(
      "invalid_modification",
    );
    expect(await applyModification(record(false), { reason: "other" })).toEqual({
      reason: "other",
    });
    expect((await refusal(() => applyModification(record(false), { amount: 1 }))).wireCode).toBe(
      "invalid_modification",
    );
  });

  it("refuses, without blocking, a modification whose pattern backtracks catastrophically", async () => {
    const slow: StoredRecord = {
      ...record(),
      action: {
        name: "lookup",
        args: { code: "aaaa" },
        args_schema: {
          type: "object",
          properties: { code: { type: "string", pattern: "^(a+)+$" } },
        },
      },
    };
    // Answered by the worker's 250 ms deadline: a blocked event loop would run no turn first.
    const { turns, outcome } = await loopTurnsWhile(() =>
      refusal(() => applyModification(slow, { code: `${"a".repeat(40)}!` })),
    );
    expect(turns).toBeGreaterThan(0); // the event loop kept running meanwhile
    if (outcome.status !== "fulfilled") throw outcome.reason;
    const error = outcome.value;
    expect(error.wireCode).toBe("invalid_modification");
    expect(error.code).toBe("SAFEGUARDS_INVALID_MODIFICATION");
    expect(error.message).toMatch(/checking took longer than 250 ms/);
    expect(await applyModification(slow, { code: "aaaaaa" })).toEqual({ code: "aaaaaa" });
  });

  it("reports an unusable schema instead of throwing", () => {
    const errors = validateJsonSchema({ type: "string", pattern: "([" }, "abc");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^args_schema cannot be used/);
    expect(validateJsonSchema({ type: "string", pattern: "^a" }, "abc")).toEqual([]);
  });
});
