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
export type { HeaderRule, SubgraphSettings } from './schema';
export { parseYamlWith, type Validated } from './yamlDocument';
