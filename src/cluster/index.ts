export { SupervisorHub } from './supervisorHub';
export { WorkerLink, type WorkersStatus } from './workerLink';
export { MetricsTotals } from './metricsTotals';
export type { ListeningMessage, MetricsSnapshot } from './messages';
