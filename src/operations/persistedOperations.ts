import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../auth';
import { LruMap } from '../store';
import type { JunctionConfig } from '../config';
import type { ErrorCode } from '../errors';
import type { Logger } from '../observability';
import type { ApqStore } from './apq';
import { TrustedDocuments } from './trustedDocuments';

/** The parts of one GraphQL request (a POST body object, or GET parameters) that name its operation. */
export interface OperationParams {
  query?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

export interface RequestFacts {
  /** `apollographql-client-name`. */
  clientName: string | undefined;
  principal: Principal | undefined;
  header(name: string): string | undefined;
}

export type Resolution =
  /** `query`: the text to run (undefined: the request had none; Apollo Server answers that). `rewrite`: the
   * request named its operation by id and must reach Apollo Server as a plain query. `register`: store the
   * query under this hash once it has passed parsing, validation and every limit. */
  | { ok: true; query: unknown; rewrite: boolean; register: string | undefined }
  | { ok: false; code: ErrorCode; message: string };

export interface PersistedOperationStats {
  apqHits: number;
  apqMisses: number;
  apqRegistrations: number;
  manifestHits: number;
  /** Operations served in log_unknown mode although no manifest lists them. */
  unknownOperations: number;
  refused: Partial<Record<ErrorCode, number>>;
}

/** The context field through which the HTTP layer asks the plugin to register APQ hashes. */
export interface PersistedOperationsContext {
  apqRegister?: readonly string[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SEEN_UNKNOWN_MAX = 10_000;

/**
 * Operation resolution, the first step of the request path (ARCHITECTURE.md): an APQ hash or a manifest id
 * becomes the query text, and the trusted-document mode decides which operations may run at all. Rules:
 *
 * - An id (`extensions.persistedQuery.sha256Hash`, or `documentId` with or without `sha256:`) is looked up
 *   in the manifests first, then, where the mode lets arbitrary operations run, in the APQ store.
 * - `safelist`: a listed id, or a body byte-identical to a listed one; `require_id`: listed ids only. Neither
 *   consults APQ for unlisted ids (APQ would let any client register any operation). Bypassing callers
 *   (configured scopes or header) are treated as in `off` mode.
 * - A hash that is not 64 lowercase hex characters never reaches the store.
 */
export class PersistedOperations {
  private documents: TrustedDocuments = TrustedDocuments.EMPTY;
  private readonly seenUnknown = new LruMap<true>(SEEN_UNKNOWN_MAX);
  private readonly bypassHeader: { name: string; value: Buffer } | undefined;
  readonly stats: PersistedOperationStats = { apqHits: 0, apqMisses: 0, apqRegistrations: 0, manifestHits: 0, unknownOperations: 0, refused: {} };

  constructor(
    private readonly config: JunctionConfig['persistedQueries'],
    private readonly apq: ApqStore | undefined,
    private readonly logger: Logger,
  ) {
    const header = config.bypass.header;
    this.bypassHeader = header ? { name: header.name, value: Buffer.from(header.value) } : undefined;
  }

  /** Swaps in a new set of manifests (start, reload). */
  setDocuments(documents: TrustedDocuments): void {
    this.documents = documents;
  }

  get trustedDocuments(): TrustedDocuments {
    return this.documents;
  }

  /** Synchronous unless the APQ store must be asked (the common plain-query request allocates no promise). */
  resolve(params: OperationParams, facts: RequestFacts): Resolution | Promise<Resolution> {
    const outcome = this.decide(params, facts);
    if (outcome instanceof Promise) return outcome;
    if (!outcome.ok) this.stats.refused[outcome.code] = (this.stats.refused[outcome.code] ?? 0) + 1;
    return outcome;
  }

  private decide(params: OperationParams, facts: RequestFacts): Resolution | Promise<Resolution> {
    const { query, extensions, documentId } = params;
    const persisted = isObject(extensions) ? extensions.persistedQuery : undefined;
    // The common case: a plain query and nothing to check.
    if (persisted === undefined && documentId === undefined && this.config.mode === 'off') return { ok: true, query, rewrite: false, register: undefined };

    const id = idOf(persisted, documentId);
    if (typeof id === 'object') return id;
    const mode = this.config.mode !== 'off' && this.bypasses(facts) ? 'off' : this.config.mode;
    const scoped = this.config.scopeByClientName;

    if (id === undefined) {
      // A free-form query.
      if (mode === 'off' || typeof query !== 'string') return { ok: true, query, rewrite: false, register: undefined };
      if (mode === 'require_id') return refuse('PERSISTED_QUERY_ID_REQUIRED', 'This endpoint accepts persisted-query ids only (send extensions.persistedQuery.sha256Hash or documentId).');
      if (this.documents.byBodyFor(query, facts.clientName, scoped)) return { ok: true, query, rewrite: false, register: undefined };
      if (mode === 'safelist') return refuse('QUERY_NOT_IN_SAFELIST', 'The query is not in the safelist (it must be byte-identical to an operation of a persisted-query manifest).');
      this.noteUnknown(query, facts);
      return { ok: true, query, rewrite: false, register: undefined };
    }

    const listed = this.documents.byIdFor(id, facts.clientName, scoped);
    if (listed) {
      if (typeof query === 'string' && query !== listed.body) return refuse('PERSISTED_QUERY_HASH_MISMATCH', 'The query sent does not match the persisted operation with this id.');
      this.stats.manifestHits++;
      return { ok: true, query: listed.body, rewrite: true, register: undefined };
    }
    const hash = SHA256_HEX.test(id) ? id : undefined;
    if (mode === 'safelist' || mode === 'require_id') {
      // An unlisted id sent with a listed body (an APQ client registering a safelisted operation) may run.
      if (mode === 'safelist' && typeof query === 'string' && this.documents.byBodyFor(query, facts.clientName, scoped)) {
        if (hash !== undefined && sha256Hex(query) !== hash) return refuse('PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query');
        return { ok: true, query, rewrite: true, register: undefined };
      }
      return refuse('PERSISTED_QUERY_NOT_IN_LIST', 'The persisted-query id is not in the list of trusted operations.');
    }
    // Modes off and log_unknown: the APQ store.
    if (!this.apq) return refuse('PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported');
    if (hash === undefined) return refuse('BAD_REQUEST', 'The persisted-query hash must be the sha256 of the query as 64 lowercase hexadecimal characters.');
    if (typeof query === 'string') {
      if (sha256Hex(query) !== hash) return refuse('PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query');
      if (mode === 'log_unknown') this.noteUnknown(query, facts);
      return { ok: true, query, rewrite: true, register: hash };
    }
    return this.lookup(this.apq, hash, mode, facts);
  }

  private async lookup(apq: ApqStore, hash: string, mode: string, facts: RequestFacts): Promise<Resolution> {
    const stored = await apq.lookup(hash);
    if (stored === undefined) {
      this.stats.apqMisses++;
      this.stats.refused.PERSISTED_QUERY_NOT_FOUND = (this.stats.refused.PERSISTED_QUERY_NOT_FOUND ?? 0) + 1;
      return refuse('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
    }
    this.stats.apqHits++;
    if (mode === 'log_unknown') this.noteUnknown(stored, facts);
    return { ok: true, query: stored, rewrite: true, register: undefined };
  }

  /**
   * The Apollo Server plugin that registers APQ queries. Apollo Server calls `responseForOperation` only
   * after parsing, validation and every `didResolveOperation` hook (limits, cost) passed, so a query that
   * any of them refuses is never stored.
   */
  plugin(): ApolloServerPlugin<PersistedOperationsContext> {
    return {
      requestDidStart: async () => ({
        responseForOperation: async (rc) => {
          const hash = rc.queryHash;
          if (this.apq && hash && rc.source && rc.contextValue.apqRegister?.includes(hash)) {
            this.stats.apqRegistrations++;
            void this.apq.register(hash, rc.source);
          }
          return null;
        },
      }),
    };
  }

  private bypasses(facts: RequestFacts): boolean {
    const { scopes } = this.config.bypass;
    if (scopes.length > 0 && facts.principal?.scopes.some((s) => scopes.includes(s))) return true;
    if (!this.bypassHeader) return false;
    const sent = facts.header(this.bypassHeader.name);
    if (sent === undefined) return false;
    const given = Buffer.from(sent);
    return given.length === this.bypassHeader.value.length && timingSafeEqual(given, this.bypassHeader.value);
  }

  private noteUnknown(query: string, facts: RequestFacts): void {
    this.stats.unknownOperations++;
    const hash = sha256Hex(query);
    // Each distinct unknown operation is logged once (per LRU window), every occurrence is counted.
    if (this.seenUnknown.get(hash)) return;
    this.seenUnknown.set(hash, true);
    this.logger.warn({ operationHash: hash, clientName: facts.clientName, operation: query.length > 2000 ? `${query.slice(0, 2000)}…` : query }, 'operation not in any persisted-query manifest (log_unknown)');
  }
}

/** The request's persisted-operation id, undefined for none, or the refusal of a malformed one. */
function idOf(persisted: unknown, documentId: unknown): string | undefined | Extract<Resolution, { ok: false }> {
  let id: string | undefined;
  if (persisted !== undefined) {
    if (!isObject(persisted)) return refuse('BAD_REQUEST', 'extensions.persistedQuery must be an object.');
    if (persisted.version !== 1) return refuse('BAD_REQUEST', 'Unsupported persisted query version (only version 1 is supported).');
    if (typeof persisted.sha256Hash !== 'string') return refuse('BAD_REQUEST', 'extensions.persistedQuery.sha256Hash must be a string.');
    id = persisted.sha256Hash;
  }
  if (documentId !== undefined) {
    if (typeof documentId !== 'string' || documentId.length === 0) return refuse('BAD_REQUEST', 'documentId must be a non-empty string.');
    const bare = documentId.startsWith('sha256:') ? documentId.slice(7) : documentId;
    if (documentId.startsWith('sha256:') && !SHA256_HEX.test(bare)) return refuse('BAD_REQUEST', 'A sha256: documentId must be followed by 64 lowercase hexadecimal characters.');
    if (id !== undefined && id !== bare) return refuse('BAD_REQUEST', 'documentId and extensions.persistedQuery.sha256Hash name different operations.');
    id = bare;
  }
  return id;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function refuse(code: ErrorCode, message: string): Extract<Resolution, { ok: false }> {
  return { ok: false, code, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
