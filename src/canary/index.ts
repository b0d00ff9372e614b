export { clientPoint, type Variant } from './assignment';
export { canaryPlugin, type CanaryObservation } from './canaryPlugin';
export { CanaryController, type CanaryControllerOptions } from './canaryController';
export { FIGURES_DOCUMENT, type FiguresDocument } from './figuresDocument';
export { judge, compare, type Comparison, type Thresholds, type Verdict } from './judge';
export { LATENCY_BUCKETS_MS, p95, errorRate, type Figures, type StageFigures } from './figures';
export { failedAnswer } from './failures';
