export {
  loadConfig,
  packageRoot,
  readEnvironment,
  type JunctionConfig,
  type CorsSettings,
  type ConfigInput,
  type Environment,
  type Limit,
  type LimitMode,
  type LimitName,
  type LimitsConfig,
  type SubgraphErrorRule,
} from './config';
export { configSchema, SUBGRAPH_DEFAULTS, type HeaderRule, type SubgraphSettings } from './schema';
export { parseYamlWith, type Validated } from './yamlDocument';
