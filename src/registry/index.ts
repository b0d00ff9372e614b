export { Registry, RegistryError, type CheckResult, type MutationResult, type RegistryOptions } from './registry';
export { EMPTY_REGISTRY, REGISTRY_DOCUMENT, type RegistryDocument, type RegistryStorage, type SubgraphVersion, type SupergraphVersion } from './storage';
export { diffSchemas, type ChangeKind, type SchemaChange } from './schemaDiff';
export { affectedOperations, type AffectedOperation, type KnownOperation } from './operationUsage';
