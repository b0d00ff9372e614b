import type { SpanKind, TraceSpan, TracerBackend, TracingOptions } from './traceSpan';

// The span vocabulary lives in traceSpan.ts (the OpenTelemetry backend, otelTracer.ts, imports it from there).
export type { SpanKind, SpanValue, TraceSpan, TracerBackend, TracingOptions } from './traceSpan';

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
