/**
 * @module telemetry/action-metrics
 * The three action metrics shared by the agent side and the inbox: the decision duration
 * histogram, the final-status counter and the pending up-down counter. Instruments are
 * re-created when the application registers another meter provider (the API hands out no-op
 * instruments before one is registered).
 */
import type {
  Attributes,
  Counter,
  Histogram,
  MeterProvider,
  UpDownCounter,
} from "@opentelemetry/api";
import { otelApi } from "./otel-api.js";
import { TelemetryNames as N } from "./telemetry-names.js";

/** The instruments of one instrumentation scope. */
export interface ActionInstruments {
  duration: Histogram;
  actions: Counter;
}

const cache = new Map<string, { provider: MeterProvider; instruments: ActionInstruments }>();

/**
 * The duration histogram and the final-status counter of `scope`, for the current meter
 * provider; `undefined` without the API.
 */
export function actionInstruments(scope: string): ActionInstruments | undefined {
  const provider = otelApi()?.metrics.getMeterProvider();
  if (!provider) return undefined;
  const hit = cache.get(scope);
  if (hit?.provider === provider) return hit.instruments;
  const meter = provider.getMeter(scope);
  const instruments: ActionInstruments = {
    duration: meter.createHistogram(N.METRIC_DECISION_DURATION, {
      unit: "s",
      description: "Time from an approval request to its final status",
    }),
    actions: meter.createCounter(N.METRIC_ACTIONS, {
      unit: "{action}",
      description: "Actions that reached a final status",
    }),
  };
  cache.set(scope, { provider, instruments });
  return instruments;
}

/** How `safeguards.actions.pending` is described, wherever it is created. */
export const PENDING_METRIC_OPTIONS = {
  unit: "{action}",
  description: "Actions waiting for a human decision",
} as const;

let pending: { provider: MeterProvider; counter: UpDownCounter } | undefined;

/** The agent side's pending up-down counter for the current meter provider. */
export function pendingCounter(): UpDownCounter | undefined {
  const provider = otelApi()?.metrics.getMeterProvider();
  if (!provider) return undefined;
  if (pending?.provider !== provider) {
    const meter = provider.getMeter(N.SCOPE_CORE);
    pending = {
      provider,
      counter: meter.createUpDownCounter(N.METRIC_PENDING, PENDING_METRIC_OPTIONS),
    };
  }
  return pending.counter;
}

/** Metric attributes of an action: agent and tool, plus the final status when given. */
export function actionMetricAttributes(
  agentId: string,
  tool: string | null | undefined,
  status?: string,
): Attributes {
  const attributes: Attributes = { [N.AGENT_ID]: agentId };
  if (tool) attributes[N.TOOL_NAME] = tool;
  if (status) attributes[N.ACTION_STATUS] = status;
  return attributes;
}

/** Records one final status: the counter and the duration (ms from request to final status). */
export function recordFinalStatus(
  instruments: ActionInstruments | undefined,
  attributes: Attributes,
  durationMs: number,
): void {
  if (!instruments) return;
  instruments.actions.add(1, attributes);
  instruments.duration.record(Math.max(0, durationMs) / 1000, attributes);
}
