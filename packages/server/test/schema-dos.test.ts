/**
 * Issue 13, finding 1: an agent's `args_schema` cannot freeze the inbox. Each hostile schema
 * of core's fixture is filed (and, where it has a quick value, filed quickly and then
 * modified into the slow one) against a real inbox on 127.0.0.1: the filing or decision is
 * refused with a stable code and changes nothing. How long that takes, and how fast other
 * requests are answered meanwhile (the 2 s and 1 s), is `pnpm bench schema-dos`.
 */
import { hashArgs } from "@safeguards/core";
import { HOSTILE_SCHEMAS } from "@safeguards/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { call, decideAs, file, REVIEWER_TOKEN, requestBody, startInbox } from "./helpers.js";

let inbox: Inbox;
let url: string;

beforeAll(async () => {
  ({ inbox, url } = await startInbox());
});
afterAll(() => inbox.close());

const withAction = (args: Record<string, unknown>, schema: Record<string, unknown>) =>
  requestBody(undefined, {
    action: { name: "tool", args, args_schema: schema },
    args_hash: hashArgs(args),
  });

describe("a hostile args_schema is refused with a stable code and changes nothing", () => {
  it.each(HOSTILE_SCHEMAS)("filing: $name", async ({ schema, hostile }) => {
    const body = withAction(hostile, schema);
    const refused = await file(url, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_request");
    expect(refused.body.error.message).toMatch(/^args_schema cannot be used: /);
    expect((await call(url, `/actions/${body.id}`, { token: REVIEWER_TOKEN })).status).toBe(404);
  });

  it.each(HOSTILE_SCHEMAS.filter((h) => h.benign))(
    "modification: $name",
    async ({ schema, hostile, benign }) => {
      const body = withAction(benign ?? {}, schema);
      expect((await file(url, body)).status).toBe(201);
      const refused = await decideAs(url, body.id, {
        type: "modify",
        response_data: hostile,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe("invalid_modification");
      expect(refused.body.error.message).toMatch(/args_schema cannot be used: /);
      const after = await call(url, `/actions/${body.id}`, { token: REVIEWER_TOKEN });
      expect(after.body.status).toBe("pending");
    },
  );
});
