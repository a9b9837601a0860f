/**
 * @module http/trace-requests
 * One OpenTelemetry server span per HTTP request, named by its route template
 * (`POST /api/actions/:id/decision`, never a raw id). Its parent is the active span (an HTTP
 * instrumentation's, when one runs) or else the request's W3C `traceparent`.
 */
import { TelemetryNames } from "@safeguards/core";
import {
  contextFromTraceparent,
  otelApi,
  recordSpanError,
  sdkTracer,
} from "@safeguards/core/internal";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/** The Hono middleware that traces each request (passes straight through without an SDK). */
export function traceRequests(): MiddlewareHandler {
  return async (c, next) => {
    const api = otelApi();
    const tracer = sdkTracer(TelemetryNames.SCOPE_SERVER);
    if (!api || !tracer) return next();
    const method = c.req.method;
    const active = api.trace.getSpan(api.context.active());
    const parent = active
      ? api.context.active()
      : contextFromTraceparent(c.req.header("traceparent"));
    const span = tracer.startSpan(
      method,
      { kind: api.SpanKind.SERVER, attributes: { "http.request.method": method } },
      parent,
    );
    try {
      await api.context.with(api.trace.setSpan(parent ?? api.context.active(), span), next);
      if (c.error) recordSpanError(api, span, c.error);
    } finally {
      const route = routePath(c, -1);
      if (route && !route.endsWith("*")) {
        span.updateName(`${method} ${route}`);
        span.setAttribute("http.route", route);
      }
      span.setAttribute("http.response.status_code", c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      span.end();
    }
  };
}
