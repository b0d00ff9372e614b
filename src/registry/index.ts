export { Registry, RegistryError, type CheckResult, type MutationResult, type RegistryOptions } from './registry';
export { FileRegistryStorage, RedisRegistryStorage, type RegistryDocument, type RegistryStorage, type SubgraphVersion, type SupergraphVersion } from './storage';
export type { AffectedOperation, ChangeKind, KnownOperation, SchemaChange } from './schemaDiff';
