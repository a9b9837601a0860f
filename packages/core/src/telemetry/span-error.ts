/**
 * @module telemetry/span-error
 * How Safeguards records an error on a span: an `exception` event and the ERROR status.
 */
import type { Span } from "@opentelemetry/api";
import type { OtelApi } from "./otel-api.js";

/** Records `error` on `span` (exception event, status ERROR with its message). */
export function recordSpanError(api: OtelApi, span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message });
}
