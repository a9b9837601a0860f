/**
 * OpenTelemetry through a real inbox over HTTP: the agent's `safeguards.action` span, the
 * inbox's request spans (route templates), the decision transition and the callback delivery
 * all land in the trace of the agent run that asked (W3C `traceparent` kept with the action),
 * and both sides count the outcome: approve, modify, reject, timeout and cancel.
 */
import type { IncomingMessage } from "node:http";
import { context, SpanKind, trace } from "@opentelemetry/api";
import {
  type ActionStatus,
  createManualClock,
  HumanActionHandler,
  TelemetryNames as N,
} from "@safeguards/core";
import { deferCleanup } from "@safeguards/test-support";
import { otelPerFile } from "@safeguards/test-support/otel";
import { describe, expect, it } from "vitest";
import { callbackReceiver } from "./callback-helpers.js";
import { agentChannel, fileTransaction, review } from "./e2e-helpers.js";
import {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  file,
  REVIEWER_TOKEN,
  requestBody,
  SECRET,
  startInbox,
  tempDbPath,
} from "./helpers.js";

const otel = otelPerFile();
const defer = deferCleanup();
const cleanup = { push: defer };

async function setup() {
  const traceparents: string[] = [];
  const tap = (req: IncomingMessage) => traceparents.push(String(req.headers.traceparent));
  const receiver = await callbackReceiver(cleanup, tap);
  const clock = createManualClock(Date.now());
  const { inbox, url } = await startInbox({ clock, callbackUrls: [receiver.origin] });
  cleanup.push(() => inbox.close());
  const config = {
    signingSecret: SECRET,
    callbackUrl: receiver.url,
    longPoll: false,
    pollInterval: 3600,
  };
  const channel = await agentChannel(url, config);
  cleanup.push(() => channel.shutdown());
  receiver.attach(channel.createCallbackHandler());
  const handler = new HumanActionHandler(channel, { onError: () => {} });
  cleanup.push(() => handler.shutdown());
  return { inbox, url, clock, handler, traceparents };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const outcomes: [
  string,
  (s: Setup, id: string) => Promise<unknown>,
  ActionStatus,
  string | null,
][] = [
  ["approve", (s, id) => review(s.url, id, { type: "approve" }), "approved", "alice"],
  [
    "modify",
    (s, id) => review(s.url, id, { type: "modify", response_data: { amount: "900.00" } }),
    "modified",
    "alice",
  ],
  ["reject", (s, id) => review(s.url, id, { type: "reject", comments: "no" }), "rejected", "alice"],
  [
    "timeout",
    async (s) => {
      s.clock.advance(61_000);
      await s.inbox.sweepExpired();
    },
    "timed_out",
    null,
  ],
  ["cancel", (s, id) => s.handler.cancelAction(id), "cancelled", null],
];

const serverPoints = async (name: string, status: string) =>
  (await otel.metric(N.SCOPE_SERVER, name)).filter((p) => p.attributes[N.ACTION_STATUS] === status);

describe("OpenTelemetry through the inbox", () => {
  it.each(outcomes)(
    "%s: the decision and the callback continue the agent's trace",
    async (_, decide, status, reviewer) => {
      const s = await setup();
      const run = trace.getTracer("test").startSpan("agent run");
      const action = await context.with(trace.setSpan(context.active(), run), () =>
        fileTransaction(s.handler, 60),
      );
      run.end();
      const traceId = run.spanContext().traceId;
      const pending = await otel.metric(N.SCOPE_SERVER, N.METRIC_PENDING);
      expect(pending).toEqual([
        { attributes: { [N.AGENT_ID]: AGENT, [N.TOOL_NAME]: "transaction" }, value: 1 },
      ]);

      await decide(s, action.id);
      await expect(s.handler.waitForAction(action)).resolves.toBe(status);
      await s.inbox.callbacksIdle();

      const [agentSpan] = otel.spans(N.SPAN_ACTION);
      expect(agentSpan?.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      expect(agentSpan?.attributes[N.ACTION_STATUS]).toBe(status);
      const [send] = otel.spans(N.SPAN_CHANNEL_SEND);
      const filing = otel.spans("POST /api/request-approval");
      expect(filing).toHaveLength(1);
      expect(filing[0]?.kind).toBe(SpanKind.SERVER);
      expect(filing[0]?.spanContext().traceId).toBe(traceId);
      expect(filing[0]?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);

      const [transition] = otel.spans(N.SPAN_TRANSITION);
      expect(transition?.spanContext().traceId).toBe(traceId);
      expect(transition?.parentSpanContext?.spanId).toBe(filing[0]?.spanContext().spanId);
      expect(transition?.attributes).toEqual({
        [N.ACTION_ID]: action.id,
        [N.AGENT_ID]: AGENT,
        [N.TOOL_NAME]: "transaction",
        [N.ACTION_STATUS]: status,
        ...(reviewer ? { [N.REVIEWER]: reviewer } : {}),
      });
      if (reviewer) {
        const [decision] = otel.spans("POST /api/actions/:id/decision");
        expect(transition?.links.map((l) => l.context.spanId)).toEqual([
          decision?.spanContext().spanId,
        ]);
      }
      const callbacks = otel.spans(N.SPAN_CALLBACK);
      expect(callbacks).toHaveLength(1);
      expect(callbacks[0]?.parentSpanContext?.spanId).toBe(transition?.spanContext().spanId);
      expect(callbacks[0]?.attributes[N.CALLBACK_ATTEMPT]).toBe(1);
      const { traceId: cbTrace, spanId: cbSpan } = callbacks[0]?.spanContext() ?? {};
      expect(s.traceparents).toEqual([`00-${cbTrace}-${cbSpan}-01`]);

      for (const span of otel.spans().filter((x) => x.kind === SpanKind.SERVER)) {
        expect(span.name).not.toContain(action.id);
      }
      const attributes = {
        [N.AGENT_ID]: AGENT,
        [N.TOOL_NAME]: "transaction",
        [N.ACTION_STATUS]: status,
      };
      expect(await serverPoints(N.METRIC_ACTIONS, status)).toEqual([{ attributes, value: 1 }]);
      const [duration] = await serverPoints(N.METRIC_DECISION_DURATION, status);
      expect(duration?.value).toMatchObject({ count: 1 });
      expect(await otel.metric(N.SCOPE_SERVER, N.METRIC_PENDING)).toEqual([
        { ...pending[0], value: 0 },
      ]);
      const agentCount = (await otel.metric(N.SCOPE_CORE, N.METRIC_ACTIONS)).filter(
        (p) => p.attributes[N.ACTION_STATUS] === status,
      );
      expect(agentCount.map((p) => p.value)).toEqual([1]);
    },
  );

  it("times the decision from the request to the final status on the inbox's clock", async () => {
    const s = await setup();
    const body = requestBody(s.clock, { agent_id: AGENT_B });
    expect((await file(s.url, body, AGENT_B_KEY)).status).toBe(201);
    s.clock.advance(2500);
    await review(s.url, body.id, { type: "reject" });
    const points = (await otel.metric(N.SCOPE_SERVER, N.METRIC_DECISION_DURATION)).filter(
      (p) => p.attributes[N.AGENT_ID] === AGENT_B,
    );
    expect(points).toEqual([
      {
        attributes: {
          [N.AGENT_ID]: AGENT_B,
          [N.TOOL_NAME]: "transfer_funds",
          [N.ACTION_STATUS]: "rejected",
        },
        value: { count: 1, sum: 2.5 },
      },
    ]);
  });

  it("ignores an invalid traceparent and never answers it on the wire", async () => {
    const s = await setup();
    const body = requestBody(s.clock);
    const res = await call(s.url, "/request-approval", {
      token: AGENT_KEY,
      body,
      headers: { traceparent: "00-00000000000000000000000000000000-0000000000000000-01" },
    });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty("traceparent");
    const [filing] = otel.spans("POST /api/request-approval");
    expect(filing?.parentSpanContext).toBeUndefined(); // a new trace, not the bogus one
    const stored = await s.inbox.store.get(body.id);
    expect(stored?.record.traceparent).toBe(
      `00-${filing?.spanContext().traceId}-${filing?.spanContext().spanId}-01`,
    );
    const read = await call(s.url, `/actions/${body.id}`, { token: REVIEWER_TOKEN });
    expect(read.body).not.toHaveProperty("traceparent");
  });

  it("reports the pending actions of the store, also after a restart", async () => {
    const path = tempDbPath();
    const first = await startInbox({ store: path });
    const body = requestBody({ now: Date.now }, { agent_id: AGENT_B });
    expect((await file(first.url, body, AGENT_B_KEY)).status).toBe(201);
    await first.inbox.close();
    const second = await startInbox({ store: path });
    cleanup.push(() => second.inbox.close());
    const points = (await otel.metric(N.SCOPE_SERVER, N.METRIC_PENDING)).filter(
      (p) => p.attributes[N.AGENT_ID] === AGENT_B,
    );
    expect(points).toEqual([
      { attributes: { [N.AGENT_ID]: AGENT_B, [N.TOOL_NAME]: "transfer_funds" }, value: 1 },
    ]);
  });

  it("puts a request's span under the active span (an HTTP instrumentation's) when there is one", async () => {
    const s = await setup();
    const outer = trace.getTracer("test").startSpan("http instrumentation");
    const res = await context.with(trace.setSpan(context.active(), outer), () =>
      s.inbox.fetch(
        new Request(`${s.url}/actions/act_missing`, {
          headers: { authorization: `Bearer ${REVIEWER_TOKEN}` },
        }),
      ),
    );
    outer.end();
    expect(res.status).toBe(404);
    const [span] = otel.spans("GET /api/actions/:id");
    expect(span?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(span?.attributes).toMatchObject({
      "http.route": "/api/actions/:id",
      "http.response.status_code": 404,
    });
  });
});
