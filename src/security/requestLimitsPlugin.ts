import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, parse } from 'graphql';
import { LruMap } from '../cache';
import { junctionError } from '../errors';
import type { Logger } from '../observability';
import { limitMessage, limitStatuses, type LimitStatus, type LimitsConfig } from './limits/checkLimits';
import { lexicalScan } from './limits/lexicalScan';
import { measureOperation } from './limits/measureOperation';

/**
 * The parser's own safety ceiling, applied whatever the configured mode: graphql-js parses recursively and
 * overflows its stack near 3,000 nested braces, so deeper documents are refused before parsing.
 */
export const PARSER_NESTING_CEILING = 1000;

export interface RequestLimitsOptions {
  limits: LimitsConfig;
  logger: Logger;
  /** Verdicts kept per operation text (LRU). */
  cacheMaxEntries?: number;
  /** Add `extensions.limits` to `Apollo-Expose-Query-Plan: dry-run` answers (plan exposure is on). */
  explainOnDryRun: boolean;
}

/** Whether the request asked for a plan without execution (Apollo Router's dry-run header). */
export function isDryRun(rc: GraphQLRequestContext<object>): boolean {
  return rc.request.http?.headers.get('apollo-expose-query-plan')?.trim().toLowerCase() === 'dry-run';
}

interface Verdict {
  statuses: LimitStatus[];
  /** The first enforced limit the operation is over: the request is refused with it. */
  reject?: GraphQLError;
}

/** Where later hooks (the plan dry-run explain) find a request's limit statuses. */
const limitStatusesOf = new WeakMap<object, LimitStatus[]>();

// Apollo Server turns only errors thrown from `didResolveOperation` into client errors (a throw from
// `didResolveSource` becomes a 500), so the refusal found at the source is thrown there.
const refusals = new WeakMap<object, GraphQLError>();

export interface RequestLimits {
  /** The Apollo Server plugin: checks every operation text, including one an APQ hash resolved to. */
  plugin: ApolloServerPlugin;
  /**
   * The same check for the HTTP layer, before Apollo Server sees the request: Apollo Server parses and
   * validates a document before any plugin may refuse it, and a deeply nested one overflows its parser.
   */
  preflight(source: string, operationName: string | undefined): GraphQLError | undefined;
  /** Operation texts with a cached verdict (bounded by cacheMaxEntries). */
  cachedOperations(): number;
}

/**
 * Request limits (depth, height, aliases, root fields, directives, tokens, fragment expansion, introspection
 * depth), checked when the source is known and before Apollo Server parses or validates it: an attack
 * document costs a linear scan, never a parse, a validation pass or a subgraph call. Verdicts are cached by
 * the operation's hash, so a repeated operation costs one map lookup.
 */
export function createRequestLimits(options: RequestLimitsOptions): RequestLimits {
  // Keyed by the operation text itself (its hash is computed once per string), then by operation name.
  const verdicts = new LruMap<Map<string, Verdict>>(options.cacheMaxEntries ?? 5000);
  const { limits, logger } = options;

  const judge = (source: string, operationName: string | undefined): Verdict => {
    const scan = lexicalScan(source, limits.maxTokens.max);
    if (scan.braceDepth > PARSER_NESTING_CEILING) {
      return { statuses: [], reject: junctionError('MAX_DEPTH_LIMIT', `The operation is nested deeper than ${PARSER_NESTING_CEILING} levels.`) };
    }
    if (scan.tokens > limits.maxTokens.max && limits.maxTokens.mode === 'enforce') {
      const reject = junctionError('MAX_TOKENS_LIMIT', `The operation has more than ${limits.maxTokens.max} tokens.`);
      return { statuses: [], reject };
    }
    // Syntax errors are Apollo Server's to report, with its usual message and code.
    if (scan.syntaxError) return { statuses: [] };
    let document;
    try {
      document = parse(source, { noLocation: true });
    } catch {
      return { statuses: [] };
    }
    const measures = measureOperation(document, operationName);
    if (!measures) return { statuses: [] };
    const statuses = limitStatuses(limits, { ...measures, tokens: scan.tokens });
    const over = statuses.find((s) => s.status === 'over' && s.mode === 'enforce');
    return { statuses, ...(over ? { reject: junctionError(over.code, limitMessage(over)) } : {}) };
  };

  const verdictFor = (source: string, operationName: string | undefined): Verdict => {
    let byName = verdicts.get(source);
    if (!byName) verdicts.set(source, (byName = new Map()));
    let verdict = byName.get(operationName ?? '');
    if (!verdict) byName.set(operationName ?? '', (verdict = judge(source, operationName)));
    return verdict;
  };

  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveSource(rc: GraphQLRequestContext<object>) {
          const operationName = rc.request.operationName ?? undefined;
          const verdict = verdictFor(rc.source ?? '', operationName);
          limitStatusesOf.set(rc.request, verdict.statuses);
          if (verdict.reject) {
            refusals.set(rc.request, verdict.reject);
            return;
          }
          for (const s of verdict.statuses) {
            if (s.status === 'over') logger.warn({ limit: s.limit, value: s.value, max: s.max, operationName }, 'request limit exceeded (measure mode)');
          }
        },
        async didResolveOperation(rc: GraphQLRequestContext<object>) {
          const refusal = refusals.get(rc.request);
          if (refusal) throw refusal;
        },
        async willSendResponse(rc) {
          if (!options.explainOnDryRun || rc.response.body.kind !== 'single' || !isDryRun(rc)) return;
          const statuses = limitStatusesOf.get(rc.request);
          if (!statuses) return;
          const result = rc.response.body.singleResult;
          result.extensions = { ...result.extensions, limits: statuses };
        },
      };
    },
  };
  return { plugin, preflight: (source, operationName) => verdictFor(source, operationName).reject, cachedOperations: () => verdicts.size };
}
