export { createLogger, apolloLogger, type Logger } from './logger';
export { beginRequest, beginOperation, newId, type RequestFacts, type OperationOutcome } from './accessLog';
export { accessLogPlugin, type AccessLogPluginOptions } from './accessLogPlugin';
export { createMetrics, noMetrics, LABEL_CAPS, type Metrics, type MetricsSources, type CacheName, type CacheResult, type SubgraphOutcome, type HttpRequestFacts } from './metrics';
export { LabelCap, OTHER_LABEL } from './labelCap';
export { metricsPlugin } from './metricsPlugin';
export { tracer, startTracing, stopTracing, NOOP_SPAN, type TraceSpan, type TracingOptions } from './tracing';
export { tracingPlugin, type TracingContext } from './tracingPlugin';
