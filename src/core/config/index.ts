export { boothConfigSchema, type BoothConfig, type BoothConfigInput } from './schema';
export { ConfigError, configError, loadConfig, nearest, parseConfig } from './load';
