export { boothConfigSchema, type BoothConfig, type BoothConfigInput } from './schema';
export { ConfigError, loadConfig, parseConfig } from './load';
