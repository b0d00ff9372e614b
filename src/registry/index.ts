export { Registry, RegistryError, type CheckResult, type MutationResult, type RegistryOptions } from './registry';
export { REGISTRY_DOCUMENT, type RegistryDocument, type RegistryStorage, type SubgraphVersion, type SupergraphVersion } from './storage';
export type { ChangeKind, SchemaChange } from './schemaDiff';
export type { AffectedOperation, KnownOperation } from './operationUsage';
