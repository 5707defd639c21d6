import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** Empty strings in the environment mean "unset". */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** Every environment variable MGE reads. Parsed once, by `loadConfig`. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** @defaultValue `info` */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HTTP port of the API. @defaultValue 3000 */
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Redis for BullMQ. @defaultValue `redis://127.0.0.1:6379` */
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .default('redis://127.0.0.1:6379'),
  /** Postgres; when unset, an embedded PGlite database in `PGLITE_DIR` is used. */
  DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  ),
  /** @defaultValue `.mge/pglite` */
  PGLITE_DIR: z.string().default('.mge/pglite'),
  /** Run pending migrations at start (guarded by an advisory lock). @defaultValue true */
  MGE_AUTO_MIGRATE: bool.default(true),
  /** Key prefix of every BullMQ queue; tests use a unique one. @defaultValue `mge` */
  MGE_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only')
    .default('mge'),
  /** Where completed plans are written, one directory per plan. @defaultValue `output` */
  MGE_OUTPUT_DIR: z.string().default('output'),
  /** Admin API key for development and the demo. */
  MGE_ADMIN_TOKEN: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  ANTHROPIC_API_KEY: optionalString,
  /** @defaultValue `anthropic` when ANTHROPIC_API_KEY is set, else `offline` */
  MGE_LLM_PROVIDER: z.enum(['offline', 'anthropic', 'sim']).optional(),
  /** Attempts per atom, each with the previous error as feedback. @defaultValue 3 */
  MGE_MAX_ATTEMPTS: positiveInt.max(10).default(3),
  /** @defaultValue 2 */
  MGE_ATOMIZE_CONCURRENCY: positiveInt.default(2),
  /** @defaultValue 2 */
  MGE_GRAPH_CONCURRENCY: positiveInt.default(2),
  /** In-flight atoms per executor process (I/O bound). @defaultValue 128 */
  MGE_GENERATE_CONCURRENCY: positiveInt.default(128),
  /** @defaultValue 2 */
  MGE_VALIDATE_CONCURRENCY: positiveInt.default(2),
  /** How long SIGTERM waits for in-flight jobs before releasing them. @defaultValue 30000 */
  MGE_SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  /** Interval of the reconciler that re-enqueues work Redis lost; 0 disables. @defaultValue 60000 */
  MGE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
});

export type Env = z.input<typeof envSchema>;
type Parsed = z.output<typeof envSchema>;

export interface Config {
  nodeEnv: Parsed['NODE_ENV'];
  logLevel: Parsed['LOG_LEVEL'];
  port: number;
  host: string;
  redisUrl: string;
  databaseUrl: string | undefined;
  pgliteDir: string;
  autoMigrate: boolean;
  queuePrefix: string;
  outputDir: string;
  adminToken: string | undefined;
  llm: { provider: 'offline' | 'anthropic' | 'sim'; anthropicApiKey: string | undefined };
  maxAttempts: number;
  concurrency: { atomize: number; graph: number; generate: number; validate: number };
  shutdownTimeoutMs: number;
  reconcileIntervalMs: number;
}

export function toConfig(env: Parsed): Config {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    redisUrl: env.REDIS_URL,
    databaseUrl: env.DATABASE_URL,
    pgliteDir: env.PGLITE_DIR,
    autoMigrate: env.MGE_AUTO_MIGRATE,
    queuePrefix: env.MGE_QUEUE_PREFIX,
    outputDir: env.MGE_OUTPUT_DIR,
    adminToken: env.MGE_ADMIN_TOKEN,
    llm: {
      provider: env.MGE_LLM_PROVIDER ?? (env.ANTHROPIC_API_KEY ? 'anthropic' : 'offline'),
      anthropicApiKey: env.ANTHROPIC_API_KEY,
    },
    maxAttempts: env.MGE_MAX_ATTEMPTS,
    concurrency: {
      atomize: env.MGE_ATOMIZE_CONCURRENCY,
      graph: env.MGE_GRAPH_CONCURRENCY,
      generate: env.MGE_GENERATE_CONCURRENCY,
      validate: env.MGE_VALIDATE_CONCURRENCY,
    },
    shutdownTimeoutMs: env.MGE_SHUTDOWN_TIMEOUT_MS,
    reconcileIntervalMs: env.MGE_RECONCILE_INTERVAL_MS,
  };
}
