import type { DeferNode, DeferredNode } from '@apollo/query-planner';
import { GraphQLError, isAbstractType, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { IncrementalPart, OperationStream } from '../pipeline/operationStream';
import type { DeferSink, DeferredShapers } from './execution';
import type { Shaper } from './execution/shaper';
import { ClientStream } from './subscriptions';

type Data = Record<string, unknown>;

export interface DeferredDelivery {
  schema: GraphQLSchema;
  shapers: DeferredShapers;
  /** The whole operation's shaper: when no Defer node ran (`@defer(if: $v)` with $v false), one whole part. */
  whole: Shaper;
  variables: Readonly<Record<string, unknown>>;
  /** Errors of fields authorization removed: each goes to the part its field is delivered in. */
  denied: readonly GraphQLError[];
  formatErrors: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
  /** Runs the plan with the sink (executePlan with `defer`); its result is the whole data when no Defer ran. */
  run: (sink: DeferSink) => Promise<{ data: Data; errors: GraphQLError[] }>;
  /** The query plan a client asked to see (plan inspection headers): in the first part, as Router puts it. */
  extensions?: Record<string, unknown> | undefined;
}

/**
 * A `@defer` operation for a client that takes parts: the primary part as soon as its fetches are done, then
 * each deferred fragment's part when its own fetches are (deferSpec=20220824: `{data, hasNext}`, then
 * `{incremental: [{data, path, label?, errors?}], hasNext}`), errors in the part they belong to.
 */
export function deliverDeferred(delivery: DeferredDelivery): OperationStream {
  const stream = new ClientStream(Number.MAX_SAFE_INTEGER, () => undefined);
  const { shapers, variables } = delivery;
  let remaining = -1;
  const format = (errors: readonly GraphQLError[]) => (errors.length > 0 ? { errors: delivery.formatErrors(errors) } : {});
  const extensions = delivery.extensions ? { extensions: delivery.extensions } : {};
  const deniedIn = (label: string | undefined) => delivery.denied.filter((e) => shapers.labelAt(e.path ?? []) === label);
  const sink: DeferSink = {
    primary(node: DeferNode, root: Data, errors: readonly GraphQLError[]) {
      remaining = node.deferred.length;
      const shaped = shapers.primary(root, variables);
      stream.push({ data: shaped.data, ...format([...deniedIn(undefined), ...errors, ...shaped.errors]), ...extensions, hasNext: remaining > 0 });
      if (remaining === 0) stream.end('complete');
    },
    more(count: number) {
      remaining += count;
    },
    deferred(node: DeferredNode, root: Data, errors: readonly GraphQLError[]) {
      remaining--;
      const part = node.label !== undefined ? shapers.parts.get(node.label) : undefined;
      const incremental: IncrementalPart[] = [];
      let pending = [...deniedIn(node.label), ...errors];
      if (part) {
        const instances = instancesAt(delivery.schema, root, node.queryPath);
        for (const [path, object] of instances) {
          // An error goes to the place of the response it is about (a path inside this instance).
          const own = pending.filter((e) => startsWith(e.path, path));
          pending = pending.filter((e) => !own.includes(e));
          const shaped = part.shape(object, variables, path);
          incremental.push({ data: shaped.data, path, ...(part.clientLabel !== undefined ? { label: part.clientLabel } : {}), errors: [...own, ...shaped.errors] } as IncrementalPart & { errors: GraphQLError[] });
        }
        // Errors about no single instance (an authorization error has no list indices): with the first.
        const first = incremental[0] as (IncrementalPart & { errors: GraphQLError[] }) | undefined;
        if (first && pending.length > 0) {
          first.errors.unshift(...pending);
          pending = [];
        }
        for (const entry of incremental as Array<IncrementalPart & { errors?: GraphQLError[] | readonly GraphQLFormattedError[] }>) {
          const raw = entry.errors as GraphQLError[];
          if (raw.length > 0) entry.errors = delivery.formatErrors(raw);
          else delete entry.errors;
        }
      }
      // Errors of a part with no place to land (its parent was null): reported at the fragment's path.
      if (pending.length > 0) incremental.push({ data: null, path: node.queryPath, ...(part?.clientLabel !== undefined ? { label: part.clientLabel } : {}), ...format(pending) });
      stream.push({ incremental, hasNext: remaining > 0 });
      if (remaining === 0) stream.end('complete');
    },
  };
  delivery.run(sink).then(
    ({ data, errors }) => {
      if (remaining !== -1) return;
      // No Defer node ran (its Condition chose the branch without it): the whole answer is the one part.
      const shaped = delivery.whole(data, variables);
      stream.push({ data: shaped.data, ...format([...delivery.denied, ...errors, ...shaped.errors]), ...extensions, hasNext: false });
      stream.end('complete');
    },
    // A failure of Junction's own: formatted (masked, logged) like any internal error, and the stream ends.
    (err: unknown) => stream.end('error', delivery.formatErrors([err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err instanceof Error ? err : undefined })])[0]),
  );
  return stream;
}

function startsWith(path: readonly (string | number)[] | undefined, prefix: readonly (string | number)[]): boolean {
  return !!path && path.length >= prefix.length && prefix.every((p, i) => path[i] === p);
}

/** Every object at a deferred fragment's query path (lists expanded), with its response path. */
function instancesAt(schema: GraphQLSchema, root: Data, queryPath: readonly string[]): Array<[Array<string | number>, Data]> {
  let current: Array<[Array<string | number>, unknown]> = [[[], root]];
  for (const step of queryPath) {
    const next: Array<[Array<string | number>, unknown]> = [];
    const condition = step.startsWith('... on ') ? step.slice(7).trim() : undefined;
    for (const [path, value] of current) {
      if (condition !== undefined) {
        if (matches(schema, value, condition)) next.push([path, value]);
        continue;
      }
      if (!value || typeof value !== 'object') continue;
      expand([...path, step], (value as Data)[step], next);
    }
    current = next;
  }
  return current.filter((entry): entry is [Array<string | number>, Data] => !!entry[1] && typeof entry[1] === 'object' && !Array.isArray(entry[1]));
}

function expand(path: Array<string | number>, value: unknown, into: Array<[Array<string | number>, unknown]>): void {
  if (Array.isArray(value)) value.forEach((item, i) => expand([...path, i], item, into));
  else if (value !== null && value !== undefined) into.push([path, value]);
}

function matches(schema: GraphQLSchema, value: unknown, condition: string): boolean {
  const typename = value && typeof value === 'object' ? (value as Data).__typename : undefined;
  if (typeof typename !== 'string' || typename === condition) return true;
  const type = schema.getType(typename);
  const abstract = schema.getType(condition);
  return !!type && !!abstract && isAbstractType(abstract) && 'getFields' in type && schema.isSubType(abstract, type as never);
}
