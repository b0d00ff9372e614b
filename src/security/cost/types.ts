import type { GraphQLError } from 'graphql';

/** A field's `@listSize`, with the spec's defaults applied. */
export interface ListSizeInfo {
  readonly assumedSize: number | undefined;
  /** Argument names, or dotted paths into an input object argument (`filter.max`). */
  readonly slicingArguments: readonly string[];
  readonly sizedFields: readonly string[];
  /** Only meaningful when there are slicing arguments (the directive's default is true). */
  readonly requireOneSlicingArgument: boolean;
}

/**
 * The cost directives of one supergraph, keyed by schema coordinate (`Type`, `Type.field`,
 * `Type.field(arg:)`, `Input.field`). Anything absent takes the spec's default weight.
 */
export interface CostIndex {
  /** `Type.field` → weight of each value the field returns. */
  readonly fieldWeights: ReadonlyMap<string, number>;
  /** Object, interface, union, scalar or enum name → weight of each value of that type. */
  readonly typeWeights: ReadonlyMap<string, number>;
  /** `Type.field(arg:)` → weight charged when an operation supplies the argument. */
  readonly argumentWeights: ReadonlyMap<string, number>;
  /** `Input.field` → weight charged when an input value supplies the field. */
  readonly inputFieldWeights: ReadonlyMap<string, number>;
  /** `Type.field` → its `@listSize`. */
  readonly listSizes: ReadonlyMap<string, ListSizeInfo>;
}

export interface CostOptions {
  /** Size assumed for a list no `@listSize` sizes (Apollo Router's `static_estimated.list_size`). */
  defaultListSize: number;
}

export interface CostEstimate {
  cost: number;
  /** e.g. `requireOneSlicingArgument` violations (`extensions.code` COST_SLICING_ARGUMENT_REQUIRED). */
  errors: GraphQLError[];
}
