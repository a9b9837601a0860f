/**
 * @module telemetry/action-trace
 * The agent side's telemetry of one action (used by `HumanActionHandler`): the
 * `safeguards.action` span from the request to the final status, a `safeguards.channel.send`
 * child span per channel send, errors recorded on the span, and the action metrics. Without
 * `@opentelemetry/api` installed every method does nothing.
 */
import type { ApprovalRequest } from "../actions/approval-request.js";
import type { HumanAction } from "../actions/human-action.js";
import type { Clock } from "../util/clock.js";
import {
  actionInstruments,
  actionMetricAttributes,
  pendingCounter,
  recordFinalStatus,
} from "./action-metrics.js";
import { otelApi, sdkTracer } from "./otel-api.js";
import { recordSpanError } from "./span-error.js";
import { TelemetryNames as N } from "./telemetry-names.js";

/** The telemetry of one action, from its request to its final status. */
export interface ActionTrace {
  /** Runs one channel send inside a child span (its context is active during `send`). */
  send<T>(channel: object, send: () => Promise<T>): Promise<T>;
  /** Records an error that does not end the action (an invalid decision, a failed expiry). */
  error(error: unknown): void;
  /** Ends the span with the action's final status and records the metrics. */
  end(action: HumanAction): void;
  /** Ends the span without a final status (filing failed, handler shut down). */
  abandon(error: unknown): void;
}

const NOOP: ActionTrace = {
  send: (_channel, send) => send(),
  error: () => {},
  end: () => {},
  abandon: () => {},
};

/** Starts the telemetry of one action as a child of the active context. */
export function startActionTrace(request: ApprovalRequest, clock: Clock): ActionTrace {
  const api = otelApi();
  if (!api) return NOOP;
  const tool = request.action?.name;
  const required = request.requiredApprovals;
  const tracer = sdkTracer(N.SCOPE_CORE);
  const span = (tracer ?? api.trace.getTracer(N.SCOPE_CORE)).startSpan(N.SPAN_ACTION, {
    attributes: {
      [N.ACTION_ID]: request.id,
      [N.AGENT_ID]: request.agentId,
      ...(tool ? { [N.TOOL_NAME]: tool } : {}),
      ...(required !== undefined && required > 1 ? { [N.REQUIRED_APPROVALS]: required } : {}),
    },
  });
  const metrics = actionInstruments(N.SCOPE_CORE);
  const pending = pendingCounter();
  const pendingAttributes = actionMetricAttributes(request.agentId, tool);
  pending?.add(1, pendingAttributes);
  let open = true;
  const close = () => {
    if (!open) return false;
    open = false;
    pending?.add(-1, pendingAttributes);
    return true;
  };
  return {
    send(channel, send) {
      if (!tracer) return send();
      const child = tracer.startSpan(
        N.SPAN_CHANNEL_SEND,
        { attributes: { [N.ACTION_ID]: request.id, [N.CHANNEL]: channel.constructor.name } },
        api.trace.setSpan(api.context.active(), span),
      );
      return api.context.with(api.trace.setSpan(api.context.active(), child), async () => {
        try {
          return await send();
        } catch (error) {
          recordSpanError(api, child, error);
          throw error;
        } finally {
          child.end();
        }
      });
    },
    error: (error) => {
      if (open) recordSpanError(api, span, error);
    },
    end(action) {
      if (!close()) return;
      const status = action.status;
      span.setAttribute(N.ACTION_STATUS, status);
      if (action.reviewer) span.setAttribute(N.REVIEWER, action.reviewer);
      span.end();
      const attributes = actionMetricAttributes(request.agentId, tool, status);
      recordFinalStatus(metrics, attributes, clock.now() - request.createdAt.getTime());
    },
    abandon(error) {
      if (!close()) return;
      recordSpanError(api, span, error);
      span.end();
    },
  };
}
