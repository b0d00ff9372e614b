export { composeSubgraphs, type SubgraphSource, type CompositionIssue, type CompositionOutcome } from './compose';
export { parseSupergraphYaml, type SupergraphYaml, type SchemaSource } from './supergraphYaml';
export { loadSources, introspect } from './loadSources';
export { loadSupergraph, isSupergraphSdlFile, formatIssue, type SupergraphResult } from './supergraphFile';
export { watchSupergraph, type SupergraphWatcher } from './watch';
