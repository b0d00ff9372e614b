export { Registry, RegistryError, type CanaryStatus, type CanaryStep, type CheckResult, type MutationResult, type RegistryOptions } from './registry';
export { REGISTRY_DOCUMENT, type CanaryDecision, type CanaryRelease, type EndedCanary, type RegistryDocument, type RegistryStorage, type SubgraphVersion, type SupergraphVersion } from './storage';
export type { ActiveCanary } from './canaryRelease';
export type { ChangeKind, SchemaChange } from './schemaDiff';
export type { AffectedOperation, KnownOperation } from './operationUsage';
