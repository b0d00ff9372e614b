export { parseManifest, type ManifestOperation, type ManifestResult } from './manifest';
export { ApqStore } from './apq';
export { ManifestSources, type ManifestSourceConfig } from './manifestSources';
export { TrustedDocuments, type TrustedEntry } from './trustedDocuments';
export {
  PersistedOperations,
  type OperationParams,
  type PersistedOperationStats,
  type PersistedOperationsContext,
  type RequestFacts,
  type Resolution,
} from './persistedOperations';
