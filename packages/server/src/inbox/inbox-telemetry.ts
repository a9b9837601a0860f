/**
 * @module inbox/inbox-telemetry
 * The inbox's OpenTelemetry: a `safeguards.action.transition` span per terminal transition
 * (decision, cancellation, expiry) and a `safeguards.callback.delivery` span per callback
 * attempt, both in the trace of the agent's filing (its `traceparent`, kept with the action);
 * the final-status counter and decision duration histogram; and `safeguards.actions.pending`
 * observed from the store. Every function is a no-op without `@opentelemetry/api`.
 */
import type { Attributes, ObservableCallback } from "@opentelemetry/api";
import { TelemetryNames as N } from "@safeguards/core";
import {
  actionInstruments,
  actionMetricAttributes,
  activeTraceparent,
  contextFromTraceparent,
  otelApi,
  PENDING_METRIC_OPTIONS,
  recordFinalStatus,
  recordSpanError,
  sdkTracer,
} from "@safeguards/core/internal";
import type { ActionStore, StoredAction } from "../store/action-store.js";

/**
 * Records a terminal transition that applied (span and metrics) and runs `after` (waking
 * waiters, sending the callback) inside its span, so the callback's spans are its children.
 * The span's parent is the agent's filing; the request that caused it (a reviewer's) is linked.
 */
export function traceTransition(action: StoredAction, startedAt: number, after: () => void): void {
  const { record } = action;
  const tool = record.action?.name;
  const status = record.status;
  const decidedAt = Date.parse(record.decision?.decided_at ?? "");
  const duration = decidedAt - Date.parse(record.created_at);
  const attributes = actionMetricAttributes(record.agent_id, tool, status);
  const instruments = actionInstruments(N.SCOPE_SERVER);
  recordFinalStatus(instruments, attributes, Number.isNaN(duration) ? 0 : duration);
  const api = otelApi();
  const tracer = sdkTracer(N.SCOPE_SERVER);
  if (!api || !tracer) {
    after();
    return;
  }
  const active = api.trace.getSpanContext(api.context.active());
  const span = tracer.startSpan(
    N.SPAN_TRANSITION,
    {
      startTime: startedAt,
      attributes: {
        [N.ACTION_ID]: record.id,
        [N.AGENT_ID]: record.agent_id,
        ...(tool ? { [N.TOOL_NAME]: tool } : {}),
        [N.ACTION_STATUS]: status,
        ...(record.decision?.reviewer ? { [N.REVIEWER]: record.decision.reviewer } : {}),
      },
      ...(record.traceparent && active ? { links: [{ context: active }] } : {}),
    },
    contextFromTraceparent(record.traceparent),
  );
  try {
    api.context.with(api.trace.setSpan(api.context.active(), span), after);
  } finally {
    span.end();
  }
}

/** Runs one callback attempt inside a `safeguards.callback.delivery` span (child of the active context). */
export async function traceCallbackAttempt<T extends { error: string } | null>(
  record: { id: string; agent_id: string },
  attempt: number,
  post: () => Promise<T>,
): Promise<T> {
  const api = otelApi();
  const tracer = sdkTracer(N.SCOPE_SERVER);
  if (!api || !tracer) return post();
  const span = tracer.startSpan(N.SPAN_CALLBACK, {
    kind: api.SpanKind.CLIENT,
    attributes: {
      [N.ACTION_ID]: record.id,
      [N.AGENT_ID]: record.agent_id,
      [N.CALLBACK_ATTEMPT]: attempt,
    },
  });
  try {
    const failure = await api.context.with(api.trace.setSpan(api.context.active(), span), post);
    if (failure) recordSpanError(api, span, new Error(failure.error));
    return failure;
  } finally {
    span.end();
  }
}

/** The W3C `traceparent` header of the active span (none when no span is active). */
export function traceHeader(): { traceparent?: string } {
  const traceparent = activeTraceparent();
  return traceparent ? { traceparent } : {};
}

/**
 * Runs `fn` in the trace of an action's filing (when it has a `traceparent`), e.g. to resend
 * a callback owed from before a restart in the right trace.
 */
export function inFilingTrace<T>(traceparent: string | undefined, fn: () => T): T {
  const api = otelApi();
  const ctx = traceparent ? contextFromTraceparent(traceparent) : undefined;
  return api && ctx ? api.context.with(ctx, fn) : fn();
}

/**
 * Reports `safeguards.actions.pending` (per agent and tool) from the store's counts whenever
 * the metrics are collected; returns the function that stops it. The meter provider must be
 * registered before the inbox is created.
 */
export function observePending(store: ActionStore, onError: (error: unknown) => void): () => void {
  const api = otelApi();
  if (!api) return () => {};
  const meter = api.metrics.getMeter(N.SCOPE_SERVER);
  const gauge = meter.createObservableUpDownCounter(N.METRIC_PENDING, PENDING_METRIC_OPTIONS);
  // Series seen before and now empty are reported as 0 (the SDK repeats an absent series' last value).
  const seen = new Map<string, Attributes>();
  const observe: ObservableCallback = async (result) => {
    try {
      const totals = new Map<string, number>();
      for (const row of await store.pendingCounts()) {
        const key = JSON.stringify([row.agentId, row.tool]);
        if (!seen.has(key)) seen.set(key, actionMetricAttributes(row.agentId, row.tool));
        totals.set(key, (totals.get(key) ?? 0) + row.count);
      }
      for (const [key, attributes] of seen) result.observe(totals.get(key) ?? 0, attributes);
    } catch (error) {
      onError(error);
    }
  };
  gauge.addCallback(observe);
  return () => gauge.removeCallback(observe);
}
