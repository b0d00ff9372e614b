import type { Logger, Metrics } from '../observability';
import type { ActiveCanary, CanaryStatus, Registry } from '../registry';
import type { CompareAndSetStore } from '../store';
import type { CanaryObservation } from './canaryPlugin';
import { addStage, emptyOperation, record, type OperationFigures, type StageFigures } from './figures';
import type { FiguresDocument } from './figuresDocument';
import { judge, type Thresholds, type Verdict } from './judge';

/** Distinct operations a stage keeps figures for; the rest are counted together. */
const MAX_OPERATIONS = 500;
const WRITE_ATTEMPTS = 5;

export interface CanaryControllerOptions {
  registry: Registry;
  /** Where every replica's figures are summed (the registry's storage: file or Redis). */
  figures: CompareAndSetStore<FiguresDocument>;
  thresholds: Thresholds;
  evaluateIntervalMs: number;
  logger: Logger;
  metrics: Pick<Metrics, 'canaryShare'>;
}

/** Adds one answered operation to its figures: the request, and each of its fetches from the changed subgraph. */
export function observe(operation: OperationFigures, observation: CanaryObservation, changedSubgraph: string): void {
  const canary = observation.variant === 'canary';
  record(canary ? operation.canary : operation.stable, observation.failed, observation.ms);
  const changed = canary ? operation.changedCanary : operation.changedStable;
  for (const fetch of observation.fetches ?? []) if (fetch.subgraph === changedSubgraph) record(changed, fetch.failed, fetch.ms);
}

/**
 * The canary release's judge, one per replica: records what this replica served (CanaryObservation), adds it
 * to the shared figures every `evaluateIntervalMs`, and judges the stage on the sum. A decision is a registry
 * step naming the release and stage it was made for, so when several replicas judge at once only the first
 * step is taken. Every decision is logged with its figures and counted in metrics (Registry.canaryStep).
 */
export class CanaryController {
  private release: { id: string; stage: number; subgraph: string } | undefined;
  private pending: StageFigures = {};
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private evaluating: Promise<void> | undefined;
  private lastVerdict: (Verdict & { at: string }) | undefined;

  constructor(private readonly options: CanaryControllerOptions) {}

  /** Whether answers are being recorded (a release is served here). */
  observing(): boolean {
    return this.release !== undefined;
  }

  record(observation: CanaryObservation): void {
    const release = this.release;
    if (!release) return;
    let operation = this.pending[observation.operation];
    if (!operation) {
      if (this.pendingCount >= MAX_OPERATIONS) return;
      operation = this.pending[observation.operation] = emptyOperation();
      this.pendingCount++;
    }
    observe(operation, observation, release.subgraph);
  }

  /** What the registry says is served now: figures restart with each release and stage. */
  serve(canary: ActiveCanary | undefined): void {
    const same = canary && this.release && canary.id === this.release.id && canary.stage === this.release.stage;
    this.options.metrics.canaryShare(canary?.percent ?? 0);
    if (same) return;
    this.release = canary ? { id: canary.id, stage: canary.stage, subgraph: canary.subgraph } : undefined;
    this.pending = {};
    this.pendingCount = 0;
    if (canary && !this.timer) {
      this.timer = setInterval(() => void this.evaluate(), this.options.evaluateIntervalMs);
      this.timer.unref();
    } else if (!canary && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Adds this replica's figures to the shared ones, judges the stage, and takes the step it calls for (one run at a time). */
  evaluate(): Promise<void> {
    this.evaluating ??= this.evaluateNow()
      .catch((err: unknown) => this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'canary: could not judge the release; trying again'))
      .finally(() => (this.evaluating = undefined));
    return this.evaluating;
  }

  /** The registry's view of the release, with the latest judgement of its current stage. */
  async status(): Promise<CanaryStatus & { verdict: (Verdict & { at: string }) | undefined }> {
    const status = await this.options.registry.canaryStatus();
    if (status.canary) await this.evaluate();
    const verdict = status.canary && this.lastVerdict ? this.lastVerdict : undefined;
    return { ...(await this.options.registry.canaryStatus()), verdict };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.release = undefined;
    await this.evaluating;
    await this.options.figures.close();
  }

  private async evaluateNow(): Promise<void> {
    const release = this.release;
    if (!release) return;
    const figures = await this.flush(release);
    const status = await this.options.registry.canaryStatus();
    const canary = status.canary;
    if (!canary || canary.id !== release.id || canary.stage !== release.stage || !figures) return;
    const verdict = judge(figures, this.options.thresholds, Date.now() - Date.parse(canary.stageStartedAt));
    this.lastVerdict = { ...verdict, at: new Date().toISOString() };
    if (verdict.decision === 'wait') return;
    await this.options.registry.canaryStep({
      action: verdict.decision === 'rollback' ? 'rollback' : 'next',
      by: 'judge',
      reason: verdict.reason,
      figures: verdict.comparison,
      expected: { id: canary.id, stage: canary.stage },
    });
  }

  /** Adds what this replica recorded to the shared figures; answers the sum (undefined: the storage kept refusing). */
  private async flush(release: { id: string; stage: number }): Promise<StageFigures | undefined> {
    const pending = this.pending;
    this.pending = {};
    this.pendingCount = 0;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const stored = await this.options.figures.read();
      const current = stored.canary === release.id && stored.stage === release.stage ? stored.figures : {};
      if (Object.keys(pending).length === 0 && stored.canary === release.id && stored.stage === release.stage) return current;
      const figures: StageFigures = structuredClone(current);
      addStage(figures, pending, MAX_OPERATIONS);
      if (await this.options.figures.write({ revision: stored.revision + 1, canary: release.id, stage: release.stage, figures }, stored.revision)) return figures;
    }
    // Kept for the next flush (unless the stage moved on meanwhile).
    if (this.release === release) addStage(this.pending, pending, MAX_OPERATIONS);
    return undefined;
  }
}
