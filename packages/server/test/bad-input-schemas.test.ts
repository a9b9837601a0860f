/**
 * The bad-input suite's hostile `args_schema`s (issue 13): core's fixture of slow schemas,
 * wrapped at random in other keywords, filed with their slow and quick values and
 * modified into random values. Never a 5xx, and a refusal changes nothing in the store (how
 * long an answer takes is `pnpm bench schema-dos`).
 */
import { hashArgs, type JsonObject } from "@safeguards/core";
import { HOSTILE_SCHEMAS } from "@safeguards/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { type CallResult, decideAs, file, requestBody, startInbox } from "./helpers.js";

let inbox: Inbox;
let url: string;

beforeAll(async () => {
  ({ inbox, url } = await startInbox());
});
afterAll(() => inbox.close());

async function storeState(): Promise<string> {
  const page = await inbox.store.list({ limit: 1000 });
  const audits = await Promise.all(page.actions.map((a) => inbox.store.auditLog(a.record.id)));
  return JSON.stringify({ page, audits });
}

/** Sends with `send`, checks no 5xx, and that a refusal stored nothing. */
async function bounded(send: () => Promise<CallResult>): Promise<CallResult> {
  const before = await storeState();
  const res = await send();
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    expect(typeof res.body.error.code).toBe("string");
    expect(await storeState()).toBe(before);
  }
  return res;
}

/** A hostile schema as it is, or hidden inside other keywords. */
const wrapped = fc
  .tuple(fc.constantFrom(...HOSTILE_SCHEMAS), fc.nat({ max: 4 }))
  .map(([attack, how]): [typeof attack, JsonObject] => {
    const s = attack.schema;
    const wraps: JsonObject[] = [
      s,
      { allOf: [s] },
      { anyOf: [{ type: "object" }, s] },
      { oneOf: [s] },
      { not: { not: s } },
    ];
    return [attack, wraps[how] ?? s];
  });

const withAction = (args: JsonObject, schema: JsonObject) =>
  requestBody(undefined, {
    action: { name: "tool", args, args_schema: schema },
    args_hash: hashArgs(args),
  });

describe("hostile args_schemas are bad input like any other", () => {
  it("filed with their slow value: refused with invalid_request, stored nothing", async () => {
    await fc.assert(
      fc.asyncProperty(wrapped, async ([attack, schema]) => {
        const res = await bounded(() => file(url, withAction(attack.hostile, schema)));
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
      }),
      { numRuns: 12 },
    );
  });

  it("filed with a quick value, then modified into slow or random values", async () => {
    await fc.assert(
      fc.asyncProperty(
        wrapped.filter(([attack]) => attack.benign !== undefined),
        fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 })),
        async ([attack, schema], randomValue) => {
          const body = withAction(attack.benign ?? {}, schema);
          expect((await bounded(() => file(url, body))).status).toBe(201);
          const [field] = Object.keys(attack.hostile);
          const change =
            randomValue === undefined ? attack.hostile : { [field as string]: randomValue };
          const res = await bounded(() =>
            decideAs(url, body.id, { type: "modify", response_data: change }),
          );
          if (randomValue === undefined) {
            expect(res.status).toBe(422);
            expect(res.body.error.code).toBe("invalid_modification");
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
