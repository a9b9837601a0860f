import { ErrorCode, isSafeguardsError, protocol } from "@safeguards/core";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { createErrorHandler } from "../src/http/errors.js";
import { InboxError } from "../src/inbox/inbox-error.js";
import { createInbox, hashPassword } from "../src/index.js";
import { createPostgresNotifier, createPostgresStore } from "../src/postgres.js";
import { AGENT, AGENT_KEY } from "./helpers.js";
import { UI_SECRET } from "./ui-helpers.js";

function appThrowing(error: unknown, seen: unknown[]) {
  const app = new Hono();
  app.onError(createErrorHandler((e) => seen.push(e)));
  app.get("/", () => {
    throw error;
  });
  return app;
}

describe("the global error handler", () => {
  it("keeps a framework 4xx (e.g. a body limit) as that status with the protocol error body", async () => {
    const seen: unknown[] = [];
    const res = await appThrowing(new HTTPException(413, { message: "too big" }), seen).request(
      "/",
    );
    expect(res.status).toBe(413);
    const body = protocol.errorBodySchema.parse(await res.json());
    expect(body.error.code).toBe("payload_too_large");
    expect(seen).toEqual([]);
  });

  it("maps an unknown framework 4xx to invalid_request with its own status", async () => {
    const res = await appThrowing(new HTTPException(431), []).request("/");
    expect(res.status).toBe(431);
    expect(((await res.json()) as protocol.ErrorBody).error.code).toBe("invalid_request");
  });

  it("answers an inbox refusal with its code", async () => {
    const res = await appThrowing(new InboxError("not_found", "no such action"), []).request("/");
    expect(res.status).toBe(404);
    expect(((await res.json()) as protocol.ErrorBody).error.code).toBe("not_found");
  });

  it("reports anything unexpected and answers 500 internal_error without details", async () => {
    const seen: unknown[] = [];
    const res = await appThrowing(new Error("secret db path"), seen).request("/");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain("internal_error");
    expect(text).not.toContain("secret db path");
    expect(seen).toHaveLength(1);
  });
});

describe("one error family", () => {
  it("an inbox refusal is a SafeguardsError with the matching ErrorCode, wire code and status", () => {
    const error = new InboxError("already_decided", "first decision wins", { status: "approved" });
    expect(isSafeguardsError(error, ErrorCode.ALREADY_DECIDED)).toBe(true);
    expect(error).toMatchObject({
      wireCode: "already_decided",
      status: 409,
      details: { status: "approved" },
    });
  });

  it("bad configuration throws InvalidConfigError (SAFEGUARDS_INVALID_CONFIG)", () => {
    const base = { store: "memory", apiKeys: { [AGENT_KEY]: AGENT } };
    const reviewers = { accounts: [{ name: "ann", email: "ann@example.test" }], secret: UI_SECRET };
    const smtp = { host: "127.0.0.1", port: 2525 };
    const attempts: Array<() => unknown> = [
      () => createInbox({ ...base, reviewerTokens: { [AGENT_KEY]: "alice" } }),
      () => createInbox({ ...base, signingSecret: "not base64!" }),
      () => createInbox({ ...base, callbackUrls: ["ftp://example.test/"] }),
      () => createInbox({ ...base, reviewers: { ...reviewers, email: { smtp, from: "x@y.z" } } }),
      () =>
        createInbox({
          ...base,
          publicUrl: "http://127.0.0.1:1",
          reviewers: { ...reviewers, slack: { signingSecret: "s" } },
        }),
      () => createPostgresStore({}),
      () => createPostgresNotifier({ connectionString: "postgres://x", channel: "Bad-Name" }),
      () => hashPassword("short"),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }));
    }
  });
});
