import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Attribute values a span takes (OpenTelemetry's primitive attribute values). */
export type SpanValue = string | number | boolean;

/** One span: Junction's small view of an OpenTelemetry span. With tracing off every span is `NOOP_SPAN`. */
export interface TraceSpan {
  setAttribute(key: string, value: SpanValue): void;
  /** Marks the span failed and records the error (its message and type, never a stack sent to clients). */
  recordError(error: unknown): void;
  end(): void;
  /** The W3C `traceparent` naming this span, for a subgraph request; undefined with tracing off. */
  readonly traceparent: string | undefined;
}

export type SpanKind = 'internal' | 'server' | 'client';

/** What the OpenTelemetry SDK behind the tracer does (see otelTracer.ts, loaded only when tracing is on). */
export interface TracerBackend {
  /** `parent`: a span, or an incoming `traceparent` header value to continue (ignored when malformed). */
  startSpan(name: string, parent: TraceSpan | string | undefined, kind: SpanKind): TraceSpan;
  shutdown(): Promise<void>;
}

export const NOOP_SPAN: TraceSpan = Object.freeze({
  setAttribute() {},
  recordError() {},
  end() {},
  traceparent: undefined,
});

let backend: TracerBackend | undefined;

/**
 * The process's tracer. Off (the default) it returns `NOOP_SPAN` and allocates nothing, and no OpenTelemetry
 * SDK module is loaded; `startTracing` turns it on. Spans are parented explicitly (the request span travels in
 * the GraphQL context, then in the executor's and subgraph client's options), not through AsyncLocalStorage.
 */
export const tracer = {
  get enabled(): boolean {
    return backend !== undefined;
  },
  startSpan(name: string, parent?: TraceSpan | string, kind: SpanKind = 'internal'): TraceSpan {
    return backend === undefined ? NOOP_SPAN : backend.startSpan(name, parent, kind);
  },
};

export interface TracingOptions {
  /** `service.name` of the exported spans. */
  serviceName: string;
  /** OTLP/HTTP traces URL; undefined lets the exporter read the OTEL_EXPORTER_OTLP_* variables (or its default). */
  endpoint?: string | undefined;
  /** Tests: spans go to this exporter, one by one (SimpleSpanProcessor), instead of OTLP in batches. */
  exporter?: SpanExporter;
}

/** Turns tracing on for the process (once: later calls keep the running tracer). Returns whether it started it. */
export function startTracing(options: TracingOptions): boolean {
  if (backend) return false;
  // Loaded here, never at import: with tracing off the SDK and exporter cost nothing, not even their load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createOtelBackend } = require('./otelTracer') as typeof import('./otelTracer');
  backend = createOtelBackend(options);
  return true;
}

/** Flushes pending spans and turns tracing off. */
export async function stopTracing(): Promise<void> {
  const running = backend;
  backend = undefined;
  await running?.shutdown();
}
