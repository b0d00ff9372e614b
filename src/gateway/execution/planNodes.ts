import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import type { DataRewrite } from './rewrites';

/**
 * Hive's `BatchFetch`: one subgraph request carrying several `_entities` selections (one per alias), each for
 * the entities at its own paths — fewer subgraph requests than one Fetch per path. Junction's executor runs it.
 */
export interface BatchFetchNode {
  kind: 'BatchFetch';
  serviceName: string;
  variableUsages: string[];
  operationKind?: 'query' | 'mutation' | 'subscription' | undefined;
  operationName?: string | undefined;
  operation: string;
  entityBatch: {
    aliases: Array<{
      alias: string;
      representationsVariableName: string;
      /** Each a Flatten path (Apollo's string form). */
      paths: string[][];
      requires: QueryPlanSelectionNode[];
      inputRewrites?: DataRewrite[] | undefined;
      outputRewrites?: DataRewrite[] | undefined;
    }>;
  };
}

