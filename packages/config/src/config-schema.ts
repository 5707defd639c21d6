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
  /** Largest request body the API accepts (JSON or YAML), in MiB; larger answer 413. @defaultValue 20 */
  MGE_API_BODY_LIMIT_MB: positiveInt.default(20),
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
  /** Anthropic API base URL (tests point it at a local server speaking the Messages API). */
  ANTHROPIC_BASE_URL: optionalString.pipe(z.url().optional()),
  /** Model for atoms at or under the complexity threshold. @defaultValue `claude-haiku-4-5` */
  MGE_MODEL_SMALL: z.string().min(1).default('claude-haiku-4-5'),
  /** Model for atoms above the complexity threshold. @defaultValue `claude-sonnet-4-5` */
  MGE_MODEL_LARGE: z.string().min(1).default('claude-sonnet-4-5'),
  /** Cyclomatic complexity above which the large model is used. @defaultValue 4 */
  MGE_MODEL_COMPLEXITY_THRESHOLD: positiveInt.default(4),
  /**
   * Dollars per million tokens by model, JSON: `{"model": {"input": 3, "output": 15, "cacheRead": 0.3,
   * "cacheWrite": 3.75}}`; merged over the built-in table.
   */
  MGE_LLM_PRICES: optionalString.pipe(
    z
      .string()
      .refine((v) => {
        try {
          return priceSchema.safeParse(JSON.parse(v)).success;
        } catch {
          return false;
        }
      }, 'must be JSON: {"model": {"input": n, "output": n, "cacheRead": n, "cacheWrite": n}}')
      .optional(),
  ),
  /** Per-request timeout of the LLM call. @defaultValue 120000 */
  MGE_LLM_TIMEOUT_MS: positiveInt.default(120_000),
  /** SDK-level retries; kept small because the pipeline retries with feedback. @defaultValue 1 */
  MGE_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** Fleet-wide cap on LLM calls per `MGE_LLM_RATE_DURATION_MS` (BullMQ limiter); 0 disables. @defaultValue 0 */
  MGE_LLM_RATE_MAX: z.coerce.number().int().min(0).default(0),
  /** @defaultValue 60000 */
  MGE_LLM_RATE_DURATION_MS: positiveInt.default(60_000),
  /** `sim` provider: latency per call in ms, `MS` or `MIN-MAX`. @defaultValue `50-150` */
  MGE_SIM_LATENCY_MS: z
    .string()
    .regex(/^\d+(-\d+)?$/, 'must be MS or MIN-MAX, e.g. 2000-4000')
    .default('50-150'),
  /** `sim` provider: share of first attempts that come back faulty. @defaultValue 0.1 */
  MGE_SIM_FAULT_RATE: z.coerce.number().min(0).max(1).default(0.1),
  /** `sim` provider: seed of its random choices. @defaultValue 1 */
  MGE_SIM_SEED: z.coerce.number().int().default(1),
  /** Default per-plan budget in dollars; 0 means none. @defaultValue 25 */
  MGE_PLAN_BUDGET_DOLLARS: z.coerce.number().min(0).default(25),
  /** Default per-plan budget in tokens; 0 means none. @defaultValue 0 */
  MGE_PLAN_BUDGET_TOKENS: z.coerce.number().int().min(0).default(0),
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
  /** MVP mode: whole tasks generated at once per executor process (classic, low). @defaultValue 4 */
  MGE_MVP_CONCURRENCY: positiveInt.default(4),
  /**
   * Job lock duration: a worker that dies (SIGKILL, OOM) has its jobs picked up by another after
   * about this long (also the stalled-job check interval). @defaultValue 30000
   */
  MGE_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How long SIGTERM waits for in-flight jobs before releasing them. @defaultValue 30000 */
  MGE_SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  /** Interval of the reconciler that re-enqueues work Redis lost; 0 disables. @defaultValue 60000 */
  MGE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** L4 sandbox: CPU seconds per process. @defaultValue 30 */
  MGE_SANDBOX_CPU_SECONDS: positiveInt.default(30),
  /** L4 sandbox: address-space limit per process, in MiB. @defaultValue 2048 */
  MGE_SANDBOX_MEMORY_MB: positiveInt.min(256).default(2048),
  /** L4 sandbox: processes inside the sandbox. @defaultValue 64 */
  MGE_SANDBOX_MAX_PROCESSES: positiveInt.default(64),
  /** L4 sandbox: wall-clock budget of a plan's test run. @defaultValue 60000 */
  MGE_SANDBOX_TIMEOUT_MS: positiveInt.min(1000).default(60_000),
  /** L4 sandbox: stdout + stderr kept before the run is stopped, in bytes. @defaultValue 1048576 */
  MGE_SANDBOX_MAX_OUTPUT_BYTES: positiveInt.default(1024 * 1024),
  /** Without bubblewrap, run tests with resource limits only (no isolation). @defaultValue false */
  MGE_SANDBOX_ALLOW_WEAK: bool.default(false),
  /** Atoms whose confidence is below this go to human review. @defaultValue 0.6 */
  MGE_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  /** At most this share of a plan's atoms goes to review for low confidence. @defaultValue 0.2 */
  MGE_REVIEW_MAX_SHARE: z.coerce.number().min(0).max(1).default(0.2),
  /**
   * Port of a worker process's HTTP server for /metrics, /healthz and /readyz (the API serves
   * them on PORT); 0 picks a free port. @defaultValue 9464
   */
  MGE_METRICS_PORT: port.default(9464),
});

/** Dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const priceSchema = z.record(
  z.string(),
  z.object({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheRead: z.number().min(0),
    cacheWrite: z.number().min(0),
  }),
);

/** List prices (USD per million tokens); `sim-*` models reuse them so simulated costs are realistic. */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'sim-small': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'sim-large': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
};

function parsePrices(json: string): Record<string, ModelPrice> {
  return priceSchema.parse(JSON.parse(json));
}

/** `"2000-4000"` -> [2000, 4000]; `"50"` -> [50, 50]. */
export function parseRange(text: string): [number, number] {
  const [min, max = min] = text.split('-').map(Number) as [number, number?];
  return [Math.min(min, max), Math.max(min, max)];
}

export type Env = z.input<typeof envSchema>;
type Parsed = z.output<typeof envSchema>;

export interface Config {
  nodeEnv: Parsed['NODE_ENV'];
  logLevel: Parsed['LOG_LEVEL'];
  port: number;
  host: string;
  /** Largest request body the API accepts. */
  apiBodyLimitBytes: number;
  redisUrl: string;
  databaseUrl: string | undefined;
  pgliteDir: string;
  autoMigrate: boolean;
  queuePrefix: string;
  outputDir: string;
  adminToken: string | undefined;
  llm: {
    provider: 'offline' | 'anthropic' | 'sim';
    anthropicApiKey: string | undefined;
    anthropicBaseUrl: string | undefined;
    models: { small: string; large: string; complexityThreshold: number };
    prices: Record<string, ModelPrice>;
    timeoutMs: number;
    maxRetries: number;
    rateLimit: { max: number; durationMs: number } | undefined;
    sim: { latencyMs: [number, number]; faultRate: number; seed: number };
  };
  budget: { dollars: number | undefined; tokens: number | undefined };
  maxAttempts: number;
  concurrency: {
    atomize: number;
    graph: number;
    generate: number;
    validate: number;
    /** MVP mode's `generate-task` queue, consumed by the executor role. */
    generateTask: number;
  };
  shutdownTimeoutMs: number;
  reconcileIntervalMs: number;
  jobLockMs: number;
  /** Limits of the sandbox that runs generated code (L3 py_compile, L4 tests). */
  sandbox: {
    cpuSeconds: number;
    memoryBytes: number;
    maxProcesses: number;
    wallClockMs: number;
    maxOutputBytes: number;
    allowWeak: boolean;
  };
  review: { confidenceThreshold: number; maxShare: number };
  metricsPort: number;
}

export function toConfig(env: Parsed): Config {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    apiBodyLimitBytes: env.MGE_API_BODY_LIMIT_MB * 1024 * 1024,
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
      anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
      models: {
        small: env.MGE_MODEL_SMALL,
        large: env.MGE_MODEL_LARGE,
        complexityThreshold: env.MGE_MODEL_COMPLEXITY_THRESHOLD,
      },
      prices: { ...DEFAULT_PRICES, ...(env.MGE_LLM_PRICES ? parsePrices(env.MGE_LLM_PRICES) : {}) },
      timeoutMs: env.MGE_LLM_TIMEOUT_MS,
      maxRetries: env.MGE_LLM_MAX_RETRIES,
      rateLimit:
        env.MGE_LLM_RATE_MAX > 0
          ? { max: env.MGE_LLM_RATE_MAX, durationMs: env.MGE_LLM_RATE_DURATION_MS }
          : undefined,
      sim: {
        latencyMs: parseRange(env.MGE_SIM_LATENCY_MS),
        faultRate: env.MGE_SIM_FAULT_RATE,
        seed: env.MGE_SIM_SEED,
      },
    },
    budget: {
      dollars: env.MGE_PLAN_BUDGET_DOLLARS > 0 ? env.MGE_PLAN_BUDGET_DOLLARS : undefined,
      tokens: env.MGE_PLAN_BUDGET_TOKENS > 0 ? env.MGE_PLAN_BUDGET_TOKENS : undefined,
    },
    maxAttempts: env.MGE_MAX_ATTEMPTS,
    concurrency: {
      atomize: env.MGE_ATOMIZE_CONCURRENCY,
      graph: env.MGE_GRAPH_CONCURRENCY,
      generate: env.MGE_GENERATE_CONCURRENCY,
      validate: env.MGE_VALIDATE_CONCURRENCY,
      generateTask: env.MGE_MVP_CONCURRENCY,
    },
    shutdownTimeoutMs: env.MGE_SHUTDOWN_TIMEOUT_MS,
    jobLockMs: env.MGE_JOB_LOCK_MS,
    reconcileIntervalMs: env.MGE_RECONCILE_INTERVAL_MS,
    sandbox: {
      cpuSeconds: env.MGE_SANDBOX_CPU_SECONDS,
      memoryBytes: env.MGE_SANDBOX_MEMORY_MB * 1024 * 1024,
      maxProcesses: env.MGE_SANDBOX_MAX_PROCESSES,
      wallClockMs: env.MGE_SANDBOX_TIMEOUT_MS,
      maxOutputBytes: env.MGE_SANDBOX_MAX_OUTPUT_BYTES,
      allowWeak: env.MGE_SANDBOX_ALLOW_WEAK,
    },
    review: {
      confidenceThreshold: env.MGE_CONFIDENCE_THRESHOLD,
      maxShare: env.MGE_REVIEW_MAX_SHARE,
    },
    metricsPort: env.MGE_METRICS_PORT,
  };
}
