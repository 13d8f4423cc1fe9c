export {
  boothConfigSchema,
  DEFAULT_UPSTREAM_URL,
  DEMO_UPSTREAM_KEY,
  DEMO_UPSTREAM_SIGNING_KEY,
  DEVELOPMENT_PASSPHRASE,
  type BoothConfig,
  type BoothConfigInput,
} from './schema';
export { ConfigError, configError, loadConfig, nearest, parseConfig } from './load';
