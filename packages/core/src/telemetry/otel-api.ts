/**
 * @module telemetry/otel-api
 * Loads `@opentelemetry/api` (an optional peer dependency) once, synchronously, when it is
 * installed. Without it every telemetry call of Safeguards is skipped; with it but without an
 * SDK registered, the API's own no-op path runs.
 */
import { createRequire } from "node:module";

/** The `@opentelemetry/api` module, as Safeguards uses it. */
export type OtelApi = typeof import("@opentelemetry/api");

let loaded: { api: OtelApi | undefined } | undefined;

/**
 * The `@opentelemetry/api` module, or `undefined` when it is not installed. The API keeps its
 * registered SDK on `globalThis`, so this copy sees what the application registered through
 * its own import of the package.
 */
export function otelApi(): OtelApi | undefined {
  if (!loaded) {
    try {
      loaded = { api: createRequire(import.meta.url)("@opentelemetry/api") as OtelApi };
    } catch {
      loaded = { api: undefined };
    }
  }
  return loaded.api;
}

/**
 * The tracer of `scope` when an SDK is registered, else `undefined`: callers then skip their
 * spans entirely, so tracing costs nothing measurable without an SDK.
 */
export function sdkTracer(scope: string): import("@opentelemetry/api").Tracer | undefined {
  const api = otelApi();
  if (!api) return undefined;
  const provider = api.trace.getTracerProvider();
  if (provider instanceof api.ProxyTracerProvider) return provider.getDelegateTracer(scope);
  return provider.getTracer(scope);
}
