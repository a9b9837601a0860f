/**
 * The HITL channel's inbox client against a real inbox: a refusal becomes the ErrorCode of
 * its wire `error.code` (`already_decided`, `expired`, `invalid_modification`,
 * `decision_not_allowed`, ...), and an answer with a code PROTOCOL.md does not define falls
 * back to its HTTP status. The client is core's internal one (`@safeguards/core/internal`).
 */
import { createManualClock, ErrorCode, isSafeguardsError, protocol } from "@safeguards/core";
import { InboxClient } from "@safeguards/core/internal";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_KEY, REVIEWER_TOKEN, requestBody, startInbox } from "./helpers.js";

const inboxes: Inbox[] = [];
const clients: InboxClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(inboxes.splice(0).map((i) => i.close()));
});

async function setup() {
  const clock = createManualClock(Date.now());
  const { inbox, url } = await startInbox({ clock });
  inboxes.push(inbox);
  const client = (key: string) => {
    const made = new InboxClient({
      baseUrl: url,
      apiKey: key,
      timeoutMs: 5_000,
      maxRetries: 0,
      clock,
      sleep: async () => {},
      backoffMs: 1,
    });
    clients.push(made);
    return made;
  };
  const agent = client(AGENT_KEY);
  const reviewer = client(REVIEWER_TOKEN);
  const file = (body: protocol.ApprovalRequestBody) =>
    agent.call({ method: "POST", path: "/request-approval", body }, protocol.actionRecordSchema);
  const decide = (id: string, body: unknown) =>
    reviewer.call(
      { method: "POST", path: `/actions/${id}/decision`, body },
      protocol.actionRecordSchema,
    );
  return { clock, inbox, url, agent, file, decide };
}

/** The refusal `call` rejects with. */
async function refusal(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

describe("inbox client error mapping", () => {
  it("maps the wire codes of refused decisions to their ErrorCodes", async () => {
    const { clock, file, decide } = await setup();
    const decided = requestBody(clock);
    await file(decided);
    await decide(decided.id, { type: "approve" });
    const limited = requestBody(clock, { allowed_decisions: ["approve", "reject"] });
    await file(limited);
    const modifiable = requestBody(clock);
    await file(modifiable);
    const expiring = requestBody(clock, {}, 1_000);
    await file(expiring);
    clock.advance(2_000);
    const cases: Array<[string, unknown, ErrorCode, string]> = [
      [decided.id, { type: "reject" }, ErrorCode.ALREADY_DECIDED, "already_decided"],
      [
        limited.id,
        { type: "modify", response_data: { amount: "1.00" } },
        ErrorCode.DECISION_NOT_ALLOWED,
        "decision_not_allowed",
      ],
      [
        modifiable.id,
        { type: "modify", response_data: { nope: 1 } },
        ErrorCode.INVALID_MODIFICATION,
        "invalid_modification",
      ],
      [expiring.id, { type: "approve" }, ErrorCode.EXPIRED, "expired"],
      ["act_unknown", { type: "approve" }, ErrorCode.NOT_FOUND, "not_found"],
    ];
    for (const [id, body, code, wireCode] of cases) {
      const error = await refusal(() => decide(id, body));
      expect(isSafeguardsError(error, code)).toBe(true);
      expect(error).toMatchObject({ details: { code: wireCode } });
    }
  });

  it("falls back to the HTTP status for a code the protocol does not define", async () => {
    const { inbox, agent } = await setup();
    inbox.app.get("/api/locked", (c) =>
      c.json({ error: { code: "locked", message: "try later" } }, 409),
    );
    inbox.app.get("/api/teapot", (c) => c.text("short and stout", 418));
    const ok = protocol.actionRecordSchema;
    const locked = await refusal(() => agent.call({ method: "GET", path: "/locked" }, ok));
    expect(locked).toMatchObject({
      code: ErrorCode.CONFLICT,
      details: { status: 409, code: "locked", message: "try later" },
    });
    const teapot = await refusal(() => agent.call({ method: "GET", path: "/teapot" }, ok));
    expect(teapot).toMatchObject({ code: ErrorCode.PROTOCOL, details: { status: 418 } });
  });
});
