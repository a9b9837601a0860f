import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  ActionStatus,
  createManualClock,
  type DecisionListener,
  HumanActionHandler,
  InProcessApprovalChannel,
  TelemetryNames as N,
} from "@safeguards/core";
import { otelPerFile } from "@safeguards/test-support/otel";
import { describe, expect, it } from "vitest";

const otel = otelPerFile();

function setup() {
  const clock = createManualClock();
  const channel = new InProcessApprovalChannel({ clock });
  const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
  return { clock, channel, handler };
}

/** A unique agent per test, so metric points of earlier tests do not mix in. */
let n = 0;
const input = () => ({
  title: "Transfer",
  description: "Move money",
  agentId: `agent_${++n}`,
  action: { name: "transfer_funds", args: { amount: "2500.00" } },
});

const pointsOf = async (name: string, agentId: string) =>
  (await otel.metric(N.SCOPE_CORE, name)).filter((p) => p.attributes[N.AGENT_ID] === agentId);

type Setup = ReturnType<typeof setup>;
const outcomes: [string, (s: Setup, id: string) => unknown, ActionStatus][] = [
  ["approve", (s, id) => s.channel.approve(id, { reviewer: "alice" }), ActionStatus.APPROVED],
  [
    "modify",
    (s, id) => s.channel.modify(id, { amount: "100.00" }, { reviewer: "alice" }),
    ActionStatus.MODIFIED,
  ],
  ["reject", (s, id) => s.channel.reject(id, { reviewer: "alice" }), ActionStatus.REJECTED],
  ["timeout", (s) => s.clock.advance(28_500), ActionStatus.TIMED_OUT],
  ["cancel", (s, id) => s.handler.cancelAction(id), ActionStatus.CANCELLED],
];

describe("HumanActionHandler telemetry", () => {
  it.each(outcomes)(
    "%s: one safeguards.action span inside the caller's span, and the metrics",
    async (_, decide, status) => {
      const s = setup();
      const req = input();
      const outer = trace.getTracer("test").startSpan("agent run");
      const action = await context.with(trace.setSpan(context.active(), outer), () =>
        s.handler.requestAction({ ...req, timeoutSeconds: 30 }),
      );
      outer.end();
      expect(await pointsOf(N.METRIC_PENDING, req.agentId)).toEqual([
        { attributes: { [N.AGENT_ID]: req.agentId, [N.TOOL_NAME]: "transfer_funds" }, value: 1 },
      ]);
      expect(otel.spans(N.SPAN_ACTION)).toEqual([]); // open until the final status
      s.clock.advance(1500);
      const waiting = s.handler.waitForAction(action);
      await decide(s, action.id);
      await expect(waiting).resolves.toBe(status);

      const [span] = otel.spans(N.SPAN_ACTION);
      expect(span?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(span?.spanContext().traceId).toBe(outer.spanContext().traceId);
      expect(span?.attributes).toEqual({
        [N.ACTION_ID]: action.id,
        [N.AGENT_ID]: req.agentId,
        [N.TOOL_NAME]: "transfer_funds",
        [N.ACTION_STATUS]: status,
        ...(action.reviewer ? { [N.REVIEWER]: "alice" } : {}),
      });
      expect(status === ActionStatus.TIMED_OUT || status === ActionStatus.CANCELLED).toBe(
        !action.reviewer,
      );
      const [send] = otel.spans(N.SPAN_CHANNEL_SEND);
      expect(send?.parentSpanContext?.spanId).toBe(span?.spanContext().spanId);
      expect(send?.attributes[N.CHANNEL]).toBe("InProcessApprovalChannel");

      const attributes = {
        [N.AGENT_ID]: req.agentId,
        [N.TOOL_NAME]: "transfer_funds",
        [N.ACTION_STATUS]: status,
      };
      expect(await pointsOf(N.METRIC_ACTIONS, req.agentId)).toEqual([{ attributes, value: 1 }]);
      const seconds = status === ActionStatus.TIMED_OUT ? 30 : 1.5;
      expect(await pointsOf(N.METRIC_DECISION_DURATION, req.agentId)).toEqual([
        { attributes, value: { count: 1, sum: seconds } },
      ]);
      expect((await pointsOf(N.METRIC_PENDING, req.agentId))[0]?.value).toBe(0);
    },
  );

  it("records a channel failure on the spans and counts no final status", async () => {
    const s = setup();
    s.channel.submitRequest = async () => {
      throw new Error("inbox down");
    };
    const req = input();
    await expect(s.handler.requestAction(req)).rejects.toThrow(/inbox down/);
    const [span] = otel.spans(N.SPAN_ACTION);
    const [send] = otel.spans(N.SPAN_CHANNEL_SEND);
    for (const failed of [span, send]) {
      expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed?.events.map((e) => e.name)).toEqual(["exception"]);
    }
    expect(span?.attributes[N.ACTION_STATUS]).toBeUndefined();
    expect(await pointsOf(N.METRIC_ACTIONS, req.agentId)).toEqual([]);
    expect((await pointsOf(N.METRIC_PENDING, req.agentId))[0]?.value).toBe(0);
  });

  it("records an invalid decision on the open span; the action stays pending", async () => {
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({ clock });
    let tell: DecisionListener = () => {};
    const subscribe = channel.onDecision.bind(channel);
    channel.onDecision = (listener) => {
      tell = listener;
      return subscribe(listener);
    };
    const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
    const action = await handler.requestAction({
      ...input(),
      allowedDecisions: ["approve", "reject"],
    });
    tell(action.id, {
      status: ActionStatus.MODIFIED,
      responseData: { amount: "1.00" },
      decidedAt: new Date(),
    });
    expect(action.status).toBe(ActionStatus.PENDING);
    channel.approve(action.id, { reviewer: "alice" });
    await handler.waitForAction(action);
    const [span] = otel.spans(N.SPAN_ACTION);
    expect(span?.events.map((e) => e.name)).toEqual(["exception"]);
    expect(span?.attributes[N.ACTION_STATUS]).toBe("approved");
  });

  it("ends the spans of pending actions when the handler shuts down", async () => {
    const s = setup();
    const req = input();
    await s.handler.requestAction(req);
    s.handler.shutdown();
    const [span] = otel.spans(N.SPAN_ACTION);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect((await pointsOf(N.METRIC_PENDING, req.agentId))[0]?.value).toBe(0);
  });

  it("a four-eyes action carries safeguards.required_approvals and both approvers' outcome", async () => {
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
    const req = input();
    const action = await handler.requestAction({
      ...req,
      timeoutSeconds: 30,
      requiredApprovals: 2,
    });
    const waiting = handler.waitForAction(action);
    expect(channel.approve(action.id, { reviewer: "alice" })).toBeNull();
    channel.approve(action.id, { reviewer: "bob" });
    await expect(waiting).resolves.toBe(ActionStatus.APPROVED);
    const [span] = otel.spans(N.SPAN_ACTION);
    expect(span?.attributes[N.REQUIRED_APPROVALS]).toBe(2);
    expect(span?.attributes[N.ACTION_STATUS]).toBe("approved");
  });
});
