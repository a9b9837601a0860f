/**
 * @module otel-capture
 * Registers a real OpenTelemetry SDK for a test file: spans in an `InMemorySpanExporter`,
 * metrics collected on demand by an in-memory reader, and the `AsyncLocalStorage` context
 * manager (so the active span survives `await`s). `disable()` puts the API back to no-op.
 */
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeEach } from "vitest";

/** A metric reader that collects only when a test asks. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** One data point of a metric: its attributes and value (a histogram's count and sum). */
export interface MetricPoint {
  attributes: Record<string, unknown>;
  value: number | { count: number; sum: number };
}

/** The registered SDK of a test file. */
export interface OtelCapture {
  /** Finished spans, in the order they ended; only those named `name` when given. */
  spans(name?: string): ReadableSpan[];
  /** The data points of metric `name` of instrumentation scope `scope`, collected now. */
  metric(scope: string, name: string): Promise<MetricPoint[]>;
  /** Forgets the spans finished so far. */
  resetSpans(): void;
  /** Unregisters everything (the API's no-op path again). */
  disable(): Promise<void>;
}

/** Registers the SDK globally; call once per test file (e.g. in `beforeAll`). */
export function captureOtel(): OtelCapture {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: (name) =>
      exporter.getFinishedSpans().filter((s) => name === undefined || s.name === name),
    async metric(scope, name) {
      const { resourceMetrics } = await reader.collect();
      const points: MetricPoint[] = [];
      for (const scoped of resourceMetrics.scopeMetrics) {
        if (scoped.scope.name !== scope) continue;
        for (const metric of scoped.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
            const v = point.value;
            points.push({
              attributes: { ...point.attributes },
              value: typeof v === "number" ? v : { count: v.count, sum: v.sum ?? 0 },
            });
          }
        }
      }
      return points;
    },
    resetSpans: () => exporter.reset(),
    async disable() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * {@link captureOtel} for the whole test file, registered now: spans are forgotten before
 * each test and the SDK is unregistered after the file.
 */
export function otelPerFile(): OtelCapture {
  const capture = captureOtel();
  beforeEach(() => capture.resetSpans());
  afterAll(() => capture.disable());
  return capture;
}
