import { describe, expect, it } from "vitest";
import {
  ActionStatus,
  type ApprovalDecision,
  createAlert,
  createManualClock,
  ErrorCode,
  HumanActionHandler,
  InProcessApprovalChannel,
  isSafeguardsError,
  type JsonObject,
  type JsonValue,
  validateJsonSchema,
} from "../src/index.js";
import { HOSTILE_SCHEMAS } from "../src/testing/index.js";

const alert = () => createAlert({ title: "t", description: "d", severity: "INFO" });

describe("InProcessApprovalChannel", () => {
  it("records alerts, and returns false and records nothing after shutdown", () => {
    const channel = new InProcessApprovalChannel();
    channel.initialize({});
    expect(channel.sendNotification(alert())).toBe(true);
    expect(channel.notifications).toHaveLength(1);
    channel.shutdown();
    expect(channel.sendNotification(alert())).toBe(false);
    expect(channel.notifications).toHaveLength(1);
  });

  it("refuses a snake_case key naming the camelCase one, and any other key naming it", () => {
    const channel = new InProcessApprovalChannel();
    let error: unknown;
    try {
      // @ts-expect-error: no config keys exist; JavaScript callers meet the run-time refusal
      channel.initialize({ timeout_seconds: 5 });
    } catch (e) {
      error = e;
    }
    expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    expect((error as Error).message).toContain('"timeoutSeconds"');
    // @ts-expect-error: as above
    expect(() => channel.initialize({ timeoutSeconds: 5 })).toThrow(/timeoutSeconds/);
  });

  it("refuses requests after shutdown", async () => {
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock });
    channel.shutdown();
    await expect(
      handler.requestAction({ title: "t", description: "d", agentId: "a" }),
    ).rejects.toBeTruthy();
    expect(channel.pending()).toEqual([]);
  });
});

describe("modifications are checked against the action's argsSchema", () => {
  const argsSchema = {
    type: "object",
    properties: { amount: { type: "string", pattern: "^\\d+\\.\\d{2}$" }, to: { type: "string" } },
    required: ["amount", "to"],
  };
  const file = async (
    args: JsonObject = { amount: "2500.00", to: "ACME" },
    schema: JsonObject = argsSchema,
  ) => {
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock });
    const action = await handler.requestAction({
      title: "t",
      description: "d",
      agentId: "a",
      action: { name: "transfer_funds", args, argsSchema: schema },
    });
    return { channel, handler, action };
  };

  it("refuses a modification whose result fails the schema, and the action stays pending", async () => {
    const { channel, handler, action } = await file();
    let error: unknown;
    try {
      channel.modify(action.id, { amount: "lots" });
    } catch (e) {
      error = e;
    }
    expect(isSafeguardsError(error, ErrorCode.INVALID_MODIFICATION)).toBe(true);
    expect((error as Error).message).toContain("/amount");
    expect((error as { details?: { errors?: string[] } }).details?.errors?.length).toBe(1);
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(channel.pending().map((r) => r.id)).toEqual([action.id]);

    channel.modify(action.id, { amount: "1800.00" });
    expect(action.status).toBe(ActionStatus.MODIFIED);
    expect(action.approvedValues).toEqual({ amount: "1800.00", to: "ACME" });
    handler.shutdown();
  });

  it("the handler refuses such a modification from any channel, whatever the channel checked", async () => {
    const errors: unknown[] = [];
    let deliver: ((id: string, decision: ApprovalDecision) => void) | undefined;
    const channel = new InProcessApprovalChannel();
    channel.onDecision = (listener) => {
      deliver = listener;
      return () => {};
    };
    const handler = new HumanActionHandler(channel, { onError: (e) => errors.push(e) });
    const action = await handler.requestAction({
      title: "t",
      description: "d",
      agentId: "a",
      action: { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, argsSchema },
    });
    deliver?.(action.id, {
      status: ActionStatus.MODIFIED,
      responseData: { to: 42 },
      decidedAt: new Date(),
    });
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(isSafeguardsError(errors.at(-1), ErrorCode.INVALID_MODIFICATION)).toBe(true);
    deliver?.(action.id, {
      status: ActionStatus.MODIFIED,
      responseData: { to: "ACME Ltd" },
      decidedAt: new Date(),
    });
    expect(action.status).toBe(ActionStatus.MODIFIED);
    expect(action.approvedValues).toEqual({ amount: "2500.00", to: "ACME Ltd" });
    handler.shutdown();
  });

  it.each(HOSTILE_SCHEMAS)(
    "a modify with a hostile schema ($name) is refused within the bound",
    async ({ schema, hostile, benign }) => {
      const { channel, handler, action } = await file(benign ?? hostile, schema);
      const field = Object.keys(hostile)[0] as string;
      // Cut off by the check's deadline (a hang would end in the test's timeout).
      let error: unknown;
      try {
        channel.modify(action.id, { [field]: hostile[field] as JsonValue });
      } catch (e) {
        error = e;
      }
      expect(isSafeguardsError(error, ErrorCode.INVALID_MODIFICATION)).toBe(true);
      expect((error as Error).message).toMatch(/args_schema cannot be used/);
      expect(action.status).toBe(ActionStatus.PENDING);
      handler.shutdown();
    },
  );

  it("reports a schema the validator cannot use as an error instead of throwing", () => {
    expect(validateJsonSchema({ type: "string", pattern: "([" }, "x")[0]).toMatch(
      /args_schema cannot be used/,
    );
    expect(validateJsonSchema({ type: "string" }, "x")).toEqual([]);
  });
});
