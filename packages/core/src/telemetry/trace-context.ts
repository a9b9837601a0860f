/**
 * @module telemetry/trace-context
 * W3C Trace Context `traceparent` values: written from the active span when the inbox
 * channel files a request, and read back (strictly) by the inbox to continue that trace.
 */
import type { Context, SpanContext } from "@opentelemetry/api";
import { otelApi } from "./otel-api.js";

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** The span context a `traceparent` header names, or `undefined` for an invalid value. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  if (typeof value !== "string" || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as string[];
  // Version 00 has exactly four fields; ff is forbidden; later versions may add fields.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return {
    traceId: traceId as string,
    spanId: spanId as string,
    traceFlags: Number.parseInt(flags as string, 16) & 1,
    isRemote: true,
  };
}

/** The `traceparent` (version 00) of a span context. */
export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-0${span.traceFlags & 1}`;
}

/** A normalised `traceparent` for a header value, or `undefined` when it is not valid. */
export function normalizeTraceparent(value: string | null | undefined): string | undefined {
  const span = parseTraceparent(value);
  return span ? formatTraceparent(span) : undefined;
}

/** The `traceparent` of the active span, or `undefined` when none is active (or no API). */
export function activeTraceparent(): string | undefined {
  const api = otelApi();
  const span = api?.trace.getSpanContext(api.context.active());
  return span && api?.isSpanContextValid(span) ? formatTraceparent(span) : undefined;
}

/**
 * The context to start a span in: the span named by `traceparent` (a remote parent) when it
 * is valid, else the active context.
 */
export function contextFromTraceparent(
  traceparent: string | null | undefined,
): Context | undefined {
  const api = otelApi();
  if (!api) return undefined;
  const span = parseTraceparent(traceparent);
  return span ? api.trace.setSpanContext(api.context.active(), span) : api.context.active();
}
