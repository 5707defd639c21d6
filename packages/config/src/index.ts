export { envSchema, type Config, type Env } from './config-schema.js';
export { loadConfig, ConfigError } from './load-config.js';
