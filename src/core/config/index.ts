export { boothConfigSchema, DEMO_UPSTREAM_KEY, DEVELOPMENT_PASSPHRASE, type BoothConfig, type BoothConfigInput } from './schema';
export { ConfigError, configError, loadConfig, nearest, parseConfig } from './load';
