export {
  envSchema,
  DEFAULT_PRICES,
  parseRange,
  type Config,
  type Env,
  type ModelPrice,
} from './config-schema.js';
export { loadConfig, ConfigError } from './load-config.js';
