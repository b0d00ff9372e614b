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

export interface TracingOptions {
  /** `service.name` of the exported spans. */
  serviceName: string;
  /** OTLP/HTTP traces URL; undefined lets the exporter read the OTEL_EXPORTER_OTLP_* variables (or its default). */
  endpoint?: string | undefined;
  /** Tests: spans go to this exporter, one by one (SimpleSpanProcessor), instead of OTLP in batches. */
  exporter?: SpanExporter;
}
