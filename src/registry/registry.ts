import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import type { CompositionIssue, CompositionOutcome, SubgraphSource } from '../composition';
import { ERROR_CODES } from '../errors';
import type { Logger } from '../observability';
import { affectedOperations, type AffectedOperation, type KnownOperation } from './operationUsage';
import { diffSchemas, type SchemaChange } from './schemaDiff';
import { activeCanaryOf, percentOf, stagesOf, withCanaryAdvanced, withCanaryEnded, withCanaryPromoted, withCanaryStarted, type ActiveCanary } from './canaryRelease';
import type { CanaryDecision, CanaryRelease, EndedCanary, RegistryDocument, RegistryStorage, SubgraphVersion, SupergraphVersion } from './storage';

/** Why a registry operation was refused; `status` is the HTTP status the admin API answers with. */
export class RegistryError extends Error {
  constructor(
    readonly code: 'COMPOSITION_FAILED' | 'SUBGRAPH_URL_NOT_ALLOWED' | 'SUBGRAPH_NOT_FOUND' | 'VERSION_NOT_FOUND' | 'REGISTRY_CONFLICT' | 'REGISTRY_UNAVAILABLE' | 'CANARY_IN_PROGRESS' | 'CANARY_NOT_FOUND',
    message: string,
    readonly composition: CompositionIssue[] = [],
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export interface RegistryOptions {
  storage: RegistryStorage;
  /** Versions kept in the history (older ones cannot be rolled back to). */
  historyLimit: number;
  compose(sources: readonly SubgraphSource[]): CompositionOutcome;
  /** The client-facing schema of a supergraph SDL (for diffs). */
  apiSchemaOf(supergraphSdl: string): GraphQLSchema;
  /**
   * Makes a version the one the gateway serves (warmed first), and the canary release's candidate the one a
   * share of clients is served (or none); resolves once both are live.
   */
  activate(version: SupergraphVersion, canary: ActiveCanary | undefined): Promise<void>;
  /** `registry.canary.ramp`: the shares a canary release goes through after its first. */
  canaryRamp?: readonly number[];
  /** Counts each canary release step this replica takes (start, advance, promote, rollback, abort). */
  canaryStepTaken?: (action: CanaryDecision['action']) => void;
  /** Operations whose breakage a check reports: the manifests' and recently served ones. */
  knownOperations(): KnownOperation[];
  /** `registry.allowedUrls`: a published URL must match one of them as a whole; empty = any URL. */
  allowedUrls?: readonly string[];
  logger: Logger;
}

export interface MutationResult {
  version: number;
  changed: boolean;
  supergraph: string;
  changes: SchemaChange[];
  hints: CompositionIssue[];
  /** A publish with `canary`: the release started (its candidate is not the current version yet). */
  canary?: { id: string; percent: number; stages: readonly number[]; candidate: number; candidateSupergraph: string } | undefined;
}

/** `canary status`: the release under way (with the judge's latest figures, added by the caller) and the last ended one. */
export interface CanaryStatus {
  current: number;
  canary: (Omit<CanaryRelease, 'candidate'> & { percent: number; candidate: number; candidateSupergraph: string }) | undefined;
  lastEnded: EndedCanary | undefined;
}

/** A decision on the canary release under way; `expected` names it (id and stage) so a stale one does nothing. */
export interface CanaryStep {
  action: 'next' | 'promote' | 'rollback' | 'abort';
  by: string;
  reason: string;
  figures?: unknown;
  expected?: { id: string; stage: number };
}

export interface CheckResult {
  composes: boolean;
  compositionErrors: CompositionIssue[];
  changes: SchemaChange[];
  affectedOperations: AffectedOperation[];
}

type Candidate = { kind: 'publish'; name: string; url: string; sdl: string } | { kind: 'delete'; name: string };

type VersionChange = Omit<SupergraphVersion, 'version' | 'supergraph' | 'supergraphSdl' | 'createdAt'>;

const WRITE_ATTEMPTS = 5;

/**
 * The subgraph registry: teams publish, check and delete subgraphs; every change composes the whole set and
 * only a supergraph that composes becomes a version (and is activated). Versions are kept in the storage
 * (a file, or Redis shared by the replicas), each with the full subgraph set, so any kept version can be
 * rolled back to. Every replica follows the stored current version (see RegistryStorage.watch).
 */
export class Registry {
  /** What this replica serves: the current version and the canary release's id and stage. */
  private active: string | undefined;
  /** Mutations of this process, one at a time (replicas are ordered by the storage's compare-and-set). */
  private queue: Promise<unknown> = Promise.resolve();
  private syncing: Promise<void> | undefined;
  private resync = false;

  private readonly allowedUrls: RegExp[];

  constructor(private readonly options: RegistryOptions) {
    this.allowedUrls = (options.allowedUrls ?? []).map((pattern) => new RegExp(`^(?:${pattern})$`));
  }

  /**
   * Loads the registry and activates its current version; an empty registry is seeded with `seed` (the
   * subgraphs of supergraph.yaml) when given. Then follows changes made by other replicas.
   */
  async start(seed: readonly SubgraphSource[] | undefined, by: string): Promise<void> {
    const document = await this.read();
    if (document.current === 0 && seed && seed.length > 0) {
      // Replicas (or workers) that find it empty at once all try; the compare-and-set lets one seed, and the
      // others, retrying on the document it wrote, find it seeded and serve that.
      const seeded = await this.mutate((_current, stored) =>
        stored.current === 0 ? { action: 'seed', subgraphs: seed.map((s) => ({ ...s, publishedBy: by, publishedAt: new Date().toISOString() })), by } : undefined,
      );
      if (!seeded.changed) await this.follow(await this.read());
    } else {
      await this.follow(document);
    }
    // From the revision read above: whatever came after it (our seed included) is followed.
    this.options.storage.watch(() => void this.sync(), document.revision);
  }

  /** The current version's subgraphs. */
  async list(): Promise<{ version: number; supergraph: string | undefined; subgraphs: Array<Omit<SubgraphVersion, 'sdl'> & { sdlSha256: string }> }> {
    const document = await this.read();
    const current = currentOf(document);
    return {
      version: document.current,
      supergraph: current?.supergraph,
      subgraphs: (current?.subgraphs ?? []).map(({ sdl, ...rest }) => ({ ...rest, sdlSha256: sha256(sdl) })),
    };
  }

  async history(): Promise<{ current: number; versions: Array<Omit<SupergraphVersion, 'supergraphSdl' | 'subgraphs'> & { subgraphs: string[] }> }> {
    const document = await this.read();
    return {
      current: document.current,
      versions: [...document.versions].reverse().map(({ supergraphSdl: _sdl, subgraphs, ...rest }) => ({ ...rest, subgraphs: subgraphs.map((s) => s.name) })),
    };
  }

  /**
   * Publishes a subgraph. With `canaryPercent` (0 < p < 100) the new supergraph is not made current: it is
   * released to that share of clients as a canary (see canaryStep), and other changes wait until it ends.
   */
  publish(name: string, url: string, sdl: string, by: string, canaryPercent?: number): Promise<MutationResult> {
    const refused = this.refuseUrl(name, url);
    if (refused) return Promise.reject(refused);
    const change = (current: SupergraphVersion | undefined): VersionChange | undefined => {
      const existing = current?.subgraphs.find((s) => s.name === name);
      if (existing && existing.url === url && existing.sdl === sdl) return undefined;
      const subgraph: SubgraphVersion = { name, url, sdl, publishedBy: by, publishedAt: new Date().toISOString() };
      return { action: 'publish', subgraph: name, subgraphs: replace(current?.subgraphs ?? [], subgraph), by };
    };
    if (canaryPercent === undefined || canaryPercent >= 100) return this.mutate(change);
    return this.mutate(change, (document, version) => {
      if (document.current === 0) return undefined;
      return withCanaryStarted(document, version, stagesOf(canaryPercent, this.options.canaryRamp ?? []), by, name, version.createdAt);
    });
  }

  remove(name: string, by: string): Promise<MutationResult> {
    return this.mutate((current) => {
      if (!current?.subgraphs.some((s) => s.name === name)) throw new RegistryError('SUBGRAPH_NOT_FOUND', `No subgraph named "${name}" is registered.`);
      return { action: 'delete', subgraph: name, subgraphs: current.subgraphs.filter((s) => s.name !== name), by };
    });
  }

  rollback(version: number, by: string): Promise<MutationResult & { rolledBackTo: number }> {
    return this.mutate((_current, document) => {
      const target = document.versions.find((v) => v.version === version);
      if (!target) throw new RegistryError('VERSION_NOT_FOUND', `Version ${version} is not in the registry's history.`);
      return { action: 'rollback', rolledBackTo: version, subgraphs: target.subgraphs, by };
    }).then((result) => ({ ...result, rolledBackTo: version }));
  }

  async canaryStatus(): Promise<CanaryStatus> {
    const document = await this.read();
    const canary = document.canary;
    return {
      current: document.current,
      canary: canary
        ? (({ candidate, ...rest }) => ({ ...rest, percent: percentOf(canary), candidate: candidate.version, candidateSupergraph: candidate.supergraph }))(canary)
        : undefined,
      lastEnded: document.endedCanaries?.at(-1),
    };
  }

  /**
   * A step of the canary release under way: the next stage (promotion after the last), promotion now, rollback
   * (the judge) or abort (by hand). With `expected`, a step meant for another release or stage does nothing
   * (another replica's judge took it first) and answers undefined.
   */
  canaryStep(step: CanaryStep): Promise<CanaryStatus | undefined> {
    const run = async (): Promise<CanaryStatus | undefined> => {
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const document = await this.read();
        const canary = document.canary;
        if (!canary) {
          if (step.expected) return undefined;
          throw new RegistryError('CANARY_NOT_FOUND', 'No canary release is under way.');
        }
        if (step.expected && (step.expected.id !== canary.id || step.expected.stage !== canary.stage)) return undefined;
        const decision: Omit<CanaryDecision, 'action' | 'percent'> = { at: new Date().toISOString(), by: step.by, reason: step.reason, ...(step.figures === undefined ? {} : { figures: step.figures }) };
        const last = canary.stage + 1 >= canary.stages.length;
        const written =
          step.action === 'rollback' || step.action === 'abort'
            ? withCanaryEnded(document, step.action === 'abort' ? 'aborted' : 'rolled_back', decision)
            : step.action === 'promote' || last
              ? withCanaryPromoted(document, decision, this.options.historyLimit)
              : withCanaryAdvanced(document, decision);
        if (!(await this.write(written, document.revision))) continue;
        const taken = written.canary?.decisions.at(-1) ?? written.endedCanaries?.at(-1)?.decisions.at(-1);
        if (taken) this.options.canaryStepTaken?.(taken.action);
        this.options.logger.info({ canary: canary.id, subgraph: canary.subgraph, action: taken?.action, percent: taken?.percent, by: step.by, reason: step.reason, figures: step.figures, version: written.current }, 'registry: canary release step');
        await this.apply(written);
        return this.canaryStatus();
      }
      throw new RegistryError('REGISTRY_CONFLICT', 'Other changes to the registry kept coming first; try again.');
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** A dry run of a publish or a delete: composition, the API changes, and the known operations they break. */
  async check(candidate: Candidate): Promise<CheckResult> {
    const refused = candidate.kind === 'publish' ? this.refuseUrl(candidate.name, candidate.url) : undefined;
    if (refused) throw refused;
    const document = await this.read();
    const current = currentOf(document);
    const subgraphs = current?.subgraphs ?? [];
    const next =
      candidate.kind === 'delete'
        ? subgraphs.filter((s) => s.name !== candidate.name)
        : replace(subgraphs, { name: candidate.name, url: candidate.url, sdl: candidate.sdl, publishedBy: '', publishedAt: '' });
    if (candidate.kind === 'delete' && next.length === subgraphs.length) throw new RegistryError('SUBGRAPH_NOT_FOUND', `No subgraph named "${candidate.name}" is registered.`);
    const composed = this.options.compose(next);
    if (!composed.ok) return { composes: false, compositionErrors: composed.errors, changes: [], affectedOperations: [] };
    if (!current) return { composes: true, compositionErrors: [], changes: [], affectedOperations: [] };
    const before = this.options.apiSchemaOf(current.supergraphSdl);
    const after = this.options.apiSchemaOf(composed.supergraphSdl);
    const changes = diffSchemas(before, after);
    // Even a change classed as safe can stop an operation validating (an alias shared with another field's
    // type): every change goes through, and each known operation is validated against the candidate.
    return {
      composes: true,
      compositionErrors: [],
      changes,
      affectedOperations: changes.length > 0 ? affectedOperations(changes.filter((c) => c.breaking), before, after, this.options.knownOperations()) : [],
    };
  }

  async stop(): Promise<void> {
    await this.options.storage.close();
  }

  /**
   * Composes the subgraph set `change` returns, stores it as a new version with compare-and-set (another
   * replica writing first means: read again and redo the change on top of theirs), then activates it here.
   * With `asCanary`, the composed version is handed to it instead, and the document it answers is stored (a
   * canary release of that version; undefined: a plain new version after all).
   */
  private mutate(
    change: (current: SupergraphVersion | undefined, document: RegistryDocument) => VersionChange | undefined,
    asCanary?: (document: RegistryDocument, version: SupergraphVersion) => RegistryDocument | undefined,
  ): Promise<MutationResult> {
    const run = async (): Promise<MutationResult> => {
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const document = await this.read();
        const current = currentOf(document);
        if (document.canary) throw new RegistryError('CANARY_IN_PROGRESS', `The canary release of ${document.canary.subgraph} (${percentOf(document.canary)} % of clients) is under way: promote or abort it first (junction canary status).`);
        const next = change(current, document);
        if (!next) return { version: document.current, changed: false, supergraph: current?.supergraph ?? '', changes: [], hints: [] };
        const composed = this.options.compose(next.subgraphs);
        if (!composed.ok) throw new RegistryError('COMPOSITION_FAILED', `The subgraphs do not compose (${composed.errors.length} error${composed.errors.length === 1 ? '' : 's'}); nothing was changed.`, composed.errors);
        const number = (document.versions.at(-1)?.version ?? 0) + 1;
        const version: SupergraphVersion = { ...next, version: number, supergraph: sha256(composed.supergraphSdl), supergraphSdl: composed.supergraphSdl, createdAt: new Date().toISOString() };
        const released = current && version.supergraph !== current.supergraph ? asCanary?.(document, version) : undefined;
        const written: RegistryDocument = released ?? { ...document, revision: document.revision + 1, current: number, versions: [...document.versions, version].slice(-this.options.historyLimit) };
        if (!(await this.write(written, document.revision))) continue;
        await this.apply(written);
        const changes = current ? diffSchemas(this.options.apiSchemaOf(current.supergraphSdl), this.options.apiSchemaOf(composed.supergraphSdl)) : [];
        if (released?.canary) {
          const canary = released.canary;
          this.options.canaryStepTaken?.('start');
          this.options.logger.info({ canary: canary.id, candidate: number, percent: percentOf(canary), stages: canary.stages, subgraph: version.subgraph, by: version.by }, 'registry: canary release started');
          return {
            version: document.current,
            changed: true,
            supergraph: current?.supergraph ?? '',
            changes,
            hints: composed.hints,
            canary: { id: canary.id, percent: percentOf(canary), stages: canary.stages, candidate: number, candidateSupergraph: version.supergraph },
          };
        }
        this.options.logger.info({ version: number, action: version.action, subgraph: version.subgraph, by: version.by }, 'registry: new supergraph version');
        return { version: number, changed: true, supergraph: version.supergraph, changes, hints: composed.hints };
      }
      throw new RegistryError('REGISTRY_CONFLICT', 'Other changes to the registry kept coming first; try again.');
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Serves what a stored document says: its current version, and its canary release's candidate (or none). */
  private async apply(document: RegistryDocument): Promise<void> {
    const current = currentOf(document);
    if (!current) return;
    const canary = activeCanaryOf(document);
    const key = `${current.version}|${canary ? `${canary.id}:${canary.stage}` : ''}`;
    if (key === this.active) return;
    await this.options.activate(current, canary);
    this.active = key;
  }

  // Another replica changed the registry: activate its current version here (one sync at a time).
  private sync(): Promise<void> {
    if (this.syncing) {
      this.resync = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.resync = false;
        try {
          await this.follow(await this.read());
        } catch (err) {
          this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'registry: could not follow a change; retrying on the next one');
        }
      } while (this.resync);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async follow(document: RegistryDocument): Promise<void> {
    const before = this.active;
    await this.apply(document);
    if (this.active !== before) this.options.logger.info({ version: document.current, canary: document.canary?.id }, 'registry: following the current supergraph version');
  }

  private async read(): Promise<RegistryDocument> {
    try {
      return await this.options.storage.read();
    } catch (err) {
      throw new RegistryError('REGISTRY_UNAVAILABLE', `The registry storage cannot be read: ${err instanceof Error ? err.message : String(err)}.`);
    }
  }

  private async write(document: RegistryDocument, expected: number): Promise<boolean> {
    try {
      return await this.options.storage.write(document, expected);
    } catch (err) {
      throw new RegistryError('REGISTRY_UNAVAILABLE', `The registry storage cannot be written: ${err instanceof Error ? err.message : String(err)}.`);
    }
  }

  /**
   * SSRF: the gateway will fetch the URL for every client request, so with `allowedUrls` set only the URLs
   * they describe are taken. Matched after WHATWG normalization (how undici parses it when fetching), so
   * `http://0xA9FEA9FE/` is 169.254.169.254 and userinfo tricks stay visible.
   */
  private refuseUrl(name: string, url: string): RegistryError | undefined {
    if (this.allowedUrls.length === 0) return undefined;
    let normalized: string;
    try {
      normalized = new URL(url).href;
    } catch {
      normalized = url;
    }
    if (this.allowedUrls.some((pattern) => pattern.test(normalized))) return undefined;
    return new RegistryError('SUBGRAPH_URL_NOT_ALLOWED', `The URL of subgraph "${name}" matches none of registry.allowedUrls.`);
  }
}

function currentOf(document: RegistryDocument): SupergraphVersion | undefined {
  return document.versions.find((v) => v.version === document.current);
}

function replace(subgraphs: readonly SubgraphVersion[], subgraph: SubgraphVersion): SubgraphVersion[] {
  const others = subgraphs.filter((s) => s.name !== subgraph.name);
  return [...others, subgraph].sort((a, b) => a.name.localeCompare(b.name));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
