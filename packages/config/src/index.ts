export { envSchema, parseRange, type Config, type Env } from './config-schema.js';
export { loadConfig, ConfigError } from './load-config.js';
export type { ModelLimits } from './llm-limits.js';
