import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { junctionError } from '../../errors';
import { add, mul, toSize } from './arithmetic';
import { collectFields, type FieldGroup } from './collect';
import { listSizeFor } from './listSize';
import { operationContext, type OperationContext } from './operation';
import type { CostEstimate, CostIndex, CostOptions } from './types';
import { argumentsCost, valueWeight } from './weights';

/** One merged field selection on one runtime type; `upstream` is the size a parent's `sizedFields` imposes. */
interface Task {
  readonly key: string;
  readonly runtime: GraphQLObjectType;
  readonly group: FieldGroup;
  readonly upstream: number | undefined;
}

/** Per possible runtime type of a value: that type's weight and the tasks of its selections. */
interface Alternative {
  readonly weight: number;
  readonly keys: readonly string[];
}

interface Plan {
  readonly count: number;
  readonly argumentsCost: number;
  readonly alternatives: readonly Alternative[];
  readonly tasks: readonly Task[];
}

interface SizedContext {
  readonly sizedFields: readonly string[];
  readonly size: number | undefined;
}

/**
 * Static cost of an operation (Apollo Router's model): a field costs
 * count × (weight + cost of its selections) + its arguments' weights, where count is 1, or a list's
 * size from `@listSize` / `defaultListSize` (inner dimensions of a nested list type take
 * `defaultListSize`). Selections are merged as execution merges them (CollectFields), and a
 * selection set on an abstract type costs the most expensive of its possible runtime types, each
 * with its own type weight and fragments. Evaluated with an explicit stack and memoised per
 * (runtime type, merged field nodes, imposed size): deep operations cannot overflow the call stack,
 * and reused fragments are costed once.
 */
export function estimateCost(
  index: CostIndex,
  apiSchema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Readonly<Record<string, unknown>>,
  options: CostOptions,
): CostEstimate {
  const ctx = operationContext(document, operationName, variables);
  if (ctx === undefined) return { cost: 0, errors: [unknownOperation(operationName)] };
  const root = apiSchema.getRootType(ctx.operation.operation);
  if (root === undefined || root === null) {
    return { cost: 0, errors: [junctionError('GRAPHQL_VALIDATION_FAILED', `The schema has no ${ctx.operation.operation} type.`)] };
  }
  const estimator = new Estimator(index, apiSchema, ctx, options);
  const selections = estimator.selectionSetCost([ctx.operation.selectionSet], root);
  // The spec's fixed surcharge: a mutation writes, whatever it selects.
  return { cost: add(ctx.operation.operation === 'mutation' ? 10 : 0, selections), errors: estimator.errors };
}

class Estimator {
  readonly errors: GraphQLError[] = [];
  private readonly memo = new Map<string, number>();
  private readonly ids = new WeakMap<FieldNode, number>();
  private readonly reported = new Set<FieldNode>();
  private nextId = 0;
  private readonly defaultListSize: number;

  constructor(
    private readonly index: CostIndex,
    private readonly schema: GraphQLSchema,
    private readonly ctx: OperationContext,
    options: CostOptions,
  ) {
    this.defaultListSize = toSize(options.defaultListSize) ?? 0;
  }

  selectionSetCost(sets: readonly SelectionSetNode[], type: GraphQLCompositeType): number {
    const { alternatives, tasks } = this.alternativesOf(sets, type, undefined, () => 0);
    this.run(tasks);
    return this.worstAlternative(alternatives);
  }

  /** Post-order over the task DAG: a task is finished once every task it depends on is in the memo. */
  private run(initial: readonly Task[]): void {
    const stack: { task: Task; plan?: Plan }[] = initial.map((task) => ({ task }));
    for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
      if (this.memo.has(frame.task.key)) {
        stack.pop();
      } else if (frame.plan === undefined) {
        frame.plan = this.expand(frame.task);
        for (const task of frame.plan.tasks) stack.push({ task });
      } else {
        const plan = frame.plan;
        this.memo.set(frame.task.key, add(mul(plan.count, this.worstAlternative(plan.alternatives)), plan.argumentsCost));
        stack.pop();
      }
    }
  }

  // The most expensive alternative bounds every runtime type the value can have.
  private worstAlternative(alternatives: readonly Alternative[]): number {
    let max = 0;
    for (const alt of alternatives) {
      let cost = alt.weight;
      for (const key of alt.keys) cost = add(cost, this.memo.get(key) ?? 0);
      max = Math.max(max, cost);
    }
    return max;
  }

  private expand(task: Task): Plan {
    const { runtime, group, upstream } = task;
    const field = runtime.getFields()[group.name];
    const node = group.nodes[0];
    // Meta-fields (__typename, __schema, __type) are not on the type and cost nothing.
    if (field === undefined || node === undefined) return { count: 0, argumentsCost: 0, alternatives: [], tasks: [] };
    const coordinate = `${runtime.name}.${group.name}`;
    const info = this.index.listSizes.get(coordinate);
    const outcome = info === undefined ? undefined : listSizeFor(info, coordinate, field, node, this.ctx.variables);
    if (outcome?.violation !== undefined && !this.reported.has(node)) {
      this.reported.add(node);
      this.errors.push(junctionError('COST_SLICING_ARGUMENT_REQUIRED', outcome.violation, { nodes: [node] }));
    }
    const sized = info !== undefined && info.sizedFields.length > 0;
    // With sizedFields the slicing arguments size the named children (connection pattern), not this field.
    const ownSize = upstream ?? (sized ? undefined : outcome?.size);
    const declared = getNamedType(field.type);
    const weight = (runtimeType?: GraphQLObjectType): number => valueWeight(this.index, coordinate, declared, runtimeType);
    const argumentsTotal = argumentsCost(this.index, coordinate, field, node, this.ctx.variables);
    const count = this.countOf(field.type, ownSize);
    if (!isCompositeType(declared)) return { count, argumentsCost: argumentsTotal, alternatives: [{ weight: weight(), keys: [] }], tasks: [] };
    const sets = group.nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    const context = sized ? { sizedFields: info.sizedFields, size: outcome?.size } : undefined;
    const { alternatives, tasks } = this.alternativesOf(sets, declared, context, weight);
    return { count, argumentsCost: argumentsTotal, alternatives, tasks };
  }

  private countOf(type: GraphQLOutputType, ownSize: number | undefined): number {
    let count = 1;
    let outer = true;
    for (let t = getNullableType(type); isListType(t); t = getNullableType(t.ofType)) {
      count = mul(count, outer ? (ownSize ?? this.defaultListSize) : this.defaultListSize);
      outer = false;
    }
    return count;
  }

  private alternativesOf(
    sets: readonly SelectionSetNode[],
    type: GraphQLCompositeType,
    sized: SizedContext | undefined,
    weight: (runtime?: GraphQLObjectType) => number,
  ): { alternatives: Alternative[]; tasks: Task[] } {
    const runtimes = isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
    const alternatives: Alternative[] = [];
    const tasks: Task[] = [];
    for (const runtime of runtimes) {
      const keys: string[] = [];
      for (const group of collectFields(this.schema, this.ctx, sets, type, runtime).values()) {
        if (group.name === '__typename') continue;
        const upstream = sized?.sizedFields.includes(group.name) ? sized.size : undefined;
        const key = `${runtime.name}|${upstream ?? ''}|${group.nodes.map((n) => this.idOf(n)).join(',')}`;
        keys.push(key);
        if (!this.memo.has(key)) tasks.push({ key, runtime, group, upstream });
      }
      alternatives.push({ weight: weight(runtime), keys });
    }
    // An abstract type nobody implements still has its own weight.
    if (alternatives.length === 0) alternatives.push({ weight: weight(), keys: [] });
    return { alternatives, tasks };
  }

  private idOf(node: FieldNode): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(node, id);
    }
    return id;
  }
}

function unknownOperation(operationName: string | undefined): GraphQLError {
  const message = operationName === undefined ? 'Must provide operation name if query contains multiple operations.' : `Unknown operation named "${operationName}".`;
  return junctionError('OPERATION_RESOLUTION_FAILURE', message);
}
