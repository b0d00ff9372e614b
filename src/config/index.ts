export { loadConfig, packageRoot, readEnvironment, type JunctionConfig, type CorsSettings, type ConfigInput, type Environment } from './config';
export { parseYamlWith, type Validated } from './yamlDocument';
export type { Limit, LimitMode, LimitName, LimitsConfig } from './limits';
