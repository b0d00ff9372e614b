export { Registry, RegistryError, type CheckResult, type MutationResult, type RegistryOptions } from './registry';
export { EMPTY_REGISTRY, FileRegistryStorage, RedisRegistryStorage, type RegistryDocument, type RegistryStorage, type SubgraphVersion, type SupergraphVersion } from './storage';
export { affectedOperations, diffSchemas, type AffectedOperation, type ChangeKind, type KnownOperation, type SchemaChange } from './schemaDiff';
