// Loaded only by startTracing (tracing.ts): nothing else may import this file, or the SDK loads with tracing off.
import { ROOT_CONTEXT, SpanKind as OtelSpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { SpanKind, SpanValue, TraceSpan, TracerBackend, TracingOptions } from './traceSpan';

const KINDS: Record<SpanKind, OtelSpanKind> = { internal: OtelSpanKind.INTERNAL, server: OtelSpanKind.SERVER, client: OtelSpanKind.CLIENT };

/** An OpenTelemetry span behind Junction's TraceSpan; it keeps its context for its children. */
class OtelSpan implements TraceSpan {
  constructor(
    readonly span: Span,
    readonly context: Context,
  ) {}

  setAttribute(key: string, value: SpanValue): void {
    this.span.setAttribute(key, value);
  }

  recordError(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.span.recordException(err);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  }

  end(): void {
    this.span.end();
  }

  get traceparent(): string | undefined {
    const { traceId, spanId, traceFlags } = this.span.spanContext();
    return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
  }
}

/**
 * The SDK tracer: BasicTracerProvider (it reads OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG and the span
 * limits), batched OTLP/HTTP export (OTEL_EXPORTER_OTLP_* headers, timeout, compression; OTEL_BSP_*). Not
 * registered as the global provider: Junction passes parents explicitly, and a host app's globals stay its own.
 */
export function createOtelBackend(options: TracingOptions): TracerBackend {
  const exporter = options.exporter ?? new OTLPTraceExporter(options.endpoint ? { url: options.endpoint } : {});
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  const otel: Tracer = provider.getTracer('junction');
  const propagator = new W3CTraceContextPropagator();
  const getter = { keys: () => ['traceparent'], get: (carrier: string, key: string) => (key === 'traceparent' ? carrier : undefined) };
  return {
    startSpan(name, parent, kind) {
      // A malformed incoming traceparent extracts to nothing: the request span starts a new trace.
      const parentContext = parent === undefined ? ROOT_CONTEXT : typeof parent === 'string' ? propagator.extract(ROOT_CONTEXT, parent, getter) : parent instanceof OtelSpan ? parent.context : ROOT_CONTEXT;
      const span = otel.startSpan(name, { kind: KINDS[kind] }, parentContext);
      return new OtelSpan(span, trace.setSpan(parentContext, span));
    },
    shutdown: () => provider.shutdown(),
  };
}
