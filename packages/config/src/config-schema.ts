import { z } from 'zod';
import { DEFAULT_PRICES, priceTableSchema, type ModelPrice } from '@mge/llm';
import { parseLimits, validLimits, type ModelLimits } from './llm-limits.js';

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
  /**
   * Redis for BullMQ, progress streams and signals: `redis://` or `rediss://` (TLS) for one server,
   * `redis-cluster://HOST:PORT[,HOST:PORT...]` (or `rediss-cluster://`) for a Redis Cluster.
   * @defaultValue `redis://127.0.0.1:6379`
   */
  REDIS_URL: z
    .string()
    .refine(
      (v) =>
        (/^rediss?:\/\/./.test(v) && URL.canParse(v)) ||
        /^rediss?-cluster:\/\/([^@/]*@)?[^/,:]+:\d+(,[^/,:]+:\d+)*\/?$/.test(v),
      {
        error:
          'must be a redis:// or rediss:// URL, or redis-cluster://HOST:PORT[,HOST:PORT...] for a cluster',
      },
    )
    .default('redis://127.0.0.1:6379'),
  /** Postgres; when unset, an embedded PGlite database in `PGLITE_DIR` is used. */
  DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  ),
  /** @defaultValue `.mge/pglite` */
  PGLITE_DIR: z.string().default('.mge/pglite'),
  /**
   * How the Postgres server behind `DATABASE_URL` pools connections: `session` (direct, or a pooler
   * in session mode) or `transaction` (PgBouncer in transaction pooling mode: no server-side
   * prepared statements, no session state, advisory locks only at transaction level).
   * @defaultValue `session`
   */
  MGE_DB_POOL_MODE: z.enum(['session', 'transaction']).default('session'),
  /** Postgres connections this process keeps at most (its pool size). @defaultValue 10 */
  MGE_DB_POOL_MAX: positiveInt.default(10),
  /** Chroma for retrieval; when unset, a private `chroma run` persisting to `CHROMA_DIR`. */
  CHROMA_URL: optionalString.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ),
  /** @defaultValue `.mge/chroma` */
  CHROMA_DIR: z.string().default('.mge/chroma'),
  /**
   * Retrieved snippets (the tenant's completed plans, its documents, the bundled examples) in
   * generation prompts, and completed plans indexed for the next ones. `on` without `CHROMA_URL`:
   * `mge up` / `mge run` start a private `chroma run`. @defaultValue `on` when `CHROMA_URL` is
   * set, else `off`
   */
  MGE_RAG: z.enum(['off', 'on']).optional(),
  /** Estimated tokens the retrieved snippets of one generation prompt may take. @defaultValue 600 */
  MGE_RAG_TOKEN_BUDGET: z.coerce.number().int().min(0).default(600),
  /** Example plans indexed for every tenant. @defaultValue the repository's `examples/` */
  MGE_RAG_EXAMPLES_DIR: optionalString,
  /** Run pending migrations at start (guarded by an advisory lock). @defaultValue true */
  MGE_AUTO_MIGRATE: bool.default(true),
  /**
   * Key prefix of every BullMQ queue and Redis stream. Unset (the usual case): derived from the
   * database's installation id (`mge-<12 hex>`), so every process on one database shares queues
   * and processes on different databases never do, even on one Redis. Set it only to pin a name
   * (tests use a unique one); processes with different databases must then not share it.
   */
  MGE_QUEUE_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only')
      .optional(),
  ),
  /** Where completed plans are written, one directory per plan. @defaultValue `output` */
  MGE_OUTPUT_DIR: z.string().default('output'),
  /** Admin API key for development and the demo. */
  MGE_ADMIN_TOKEN: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  /**
   * Secret (at least 32 characters) that signs people's session tokens; every API replica needs the
   * same one. Unset: a random one per process, so sessions end when it restarts.
   */
  MGE_JWT_SECRET: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /** Minutes a session's access token lives; the refresh token renews it. @defaultValue 15 */
  MGE_ACCESS_TOKEN_MINUTES: positiveInt.default(15),
  /** Days a refresh token lives (sign in again after). @defaultValue 14 */
  MGE_REFRESH_TOKEN_DAYS: positiveInt.default(14),
  /** Minutes a password reset link stays valid. @defaultValue 30 */
  MGE_RESET_TOKEN_MINUTES: positiveInt.default(30),
  /** Days an invitation stays valid. @defaultValue 7 */
  MGE_INVITE_DAYS: positiveInt.default(7),
  /** Sign-in and reset attempts allowed per account and per IP address in 15 minutes. @defaultValue 10 */
  MGE_AUTH_RATE_LIMIT: positiveInt.default(10),
  /** SMTP server for email, e.g. `smtp://user:pass@mail.example.com:587`; unset: emails are not sent (logged). */
  MGE_SMTP_URL: optionalString.pipe(
    z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  ),
  /** Sender of MGE's emails. @defaultValue `MGE <mge@localhost>` */
  MGE_MAIL_FROM: z.string().min(3).default('MGE <mge@localhost>'),
  /** Where people reach MGE, for links in emails. @defaultValue `http://localhost:3000` */
  MGE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://localhost:3000')
    .transform((v) => v.replace(/\/+$/, '')),
  ANTHROPIC_API_KEY: optionalString,
  /** @defaultValue `anthropic` when ANTHROPIC_API_KEY is set, else `offline` */
  MGE_LLM_PROVIDER: z.enum(['offline', 'anthropic', 'sim']).optional(),
  /** Anthropic API base URL (tests point it at a local server speaking the Messages API). */
  ANTHROPIC_BASE_URL: optionalString.pipe(z.url().optional()),
  /** Model for atoms at or under the complexity threshold. @defaultValue `claude-haiku-4-5` */
  MGE_MODEL_SMALL: z.string().min(1).default('claude-haiku-4-5'),
  /** Model for atoms above the complexity threshold. @defaultValue `claude-sonnet-5-5` */
  MGE_MODEL_LARGE: z.string().min(1).default('claude-sonnet-5-5'),
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
          return priceTableSchema.safeParse(JSON.parse(v)).success;
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
  /**
   * Fleet-wide budgets per model, kept in Redis and shared by every executor, JSON:
   * `{"model": {"requestsPerMinute": n, "inputTokensPerMinute": n, "outputTokensPerMinute": n}}`
   * (any of the three); unset: no budget (429s and the rate-limit headers still apply).
   */
  MGE_LLM_LIMITS: optionalString.pipe(
    z
      .string()
      .refine(
        validLimits,
        'must be JSON: {"model": {"requestsPerMinute": n, "inputTokensPerMinute": n, "outputTokensPerMinute": n}}',
      )
      .optional(),
  ),
  /** The window `MGE_LLM_LIMITS` counts over ("per minute"); tests shorten it. @defaultValue 60000 */
  MGE_LLM_LIMITS_WINDOW_MS: positiveInt.default(60_000),
  /**
   * `first-attempts`: the first attempt of an atom, an MVP task, a task draft or a test design
   * goes through the provider's batch API at half price and settles when the batch ends (minutes
   * to hours); retries with feedback call the Messages API directly. `generation`: atoms and MVP
   * tasks only, the planner's drafts and designs call directly (drafting gates the whole plan:
   * through batches, each dependency level of tasks waits for one). Needs a provider with a batch
   * API (anthropic). @defaultValue off
   */
  MGE_LLM_BATCH: z.enum(['off', 'first-attempts', 'generation']).default('off'),
  /** A process submits its collected batch requests once this many wait. @defaultValue 100 */
  MGE_LLM_BATCH_MAX_REQUESTS: positiveInt.max(100_000).default(100),
  /** ... or once the oldest has waited this long. @defaultValue 5000 */
  MGE_LLM_BATCH_FLUSH_MS: positiveInt.default(5_000),
  /** How often the LLM roles ask whether submitted batches have ended. @defaultValue 30000 */
  MGE_LLM_BATCH_POLL_MS: positiveInt.default(30_000),
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
  /**
   * Fair sharing of the LLM queues (`generate`, `generate-task`) between tenants: jobs wait in
   * per-tenant backlogs in Redis and are dispatched round-robin. @defaultValue true
   */
  MGE_FAIR_SCHEDULING: bool.default(true),
  /** Fleet-wide cap on one tenant's dispatched, unfinished jobs per LLM queue; 0: none. @defaultValue 0 */
  MGE_TENANT_MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(0),
  /**
   * Fair scheduling dispatches only while fewer jobs than this wait in BullMQ untaken by a worker:
   * a tenant arriving late waits behind at most this many jobs of others. @defaultValue 32
   */
  MGE_FAIR_MAX_WAITING: positiveInt.default(32),
  /** @defaultValue 2 */
  MGE_VALIDATE_CONCURRENCY: positiveInt.default(2),
  /** MVP mode: whole tasks generated at once per executor process (classic, low). @defaultValue 4 */
  MGE_MVP_CONCURRENCY: positiveInt.default(4),
  /** Planner jobs (discovery, masterplan) at once per planner process. @defaultValue 2 */
  MGE_PLANNER_CONCURRENCY: positiveInt.default(2),
  /** Answers asked for per planner step (invalid JSON, truncation, refusal retried with feedback). @defaultValue 3 */
  MGE_PLANNER_ATTEMPTS: positiveInt.max(10).default(3),
  /** Rounds of validator feedback a generated MasterPlan gets before its errors are shown. @defaultValue 2 */
  MGE_PLANNER_REPAIR_ROUNDS: z.coerce.number().int().min(0).max(10).default(2),
  /** Answer size limit of one planner call. @defaultValue 8192 */
  MGE_PLANNER_MAX_TOKENS: positiveInt.default(8192),
  /** Completed plans one executor indexes for retrieval at once (queue `rag-index`). @defaultValue 2 */
  MGE_RAG_INDEX_CONCURRENCY: positiveInt.default(2),
  /**
   * Job lock duration: a worker that dies (SIGKILL, OOM) has its jobs picked up by another after
   * about this long (also the stalled-job check interval). @defaultValue 30000
   */
  MGE_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * A worker with free slots whose queue's oldest waiting job has not moved for this long is
   * wedged (a blocking Redis connection that never came back after a failover): it is replaced
   * by a fresh one. 0 disables the watch. @defaultValue 30000
   */
  MGE_WORKER_STUCK_MS: z.coerce.number().int().min(0).default(30_000),
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
  /**
   * L4 sandbox backend: `auto` (bwrap, else util-linux unshare), `bwrap`, `unshare`, or `weak`
   * (resource limits only, no isolation). @defaultValue auto
   */
  MGE_SANDBOX: z.enum(['auto', 'bwrap', 'unshare', 'weak']).default('auto'),
  /** Let `auto` fall back to `weak` when no isolating backend is usable. @defaultValue false */
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

function parsePrices(json: string): Record<string, ModelPrice> {
  return priceTableSchema.parse(JSON.parse(json));
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
  /** The process's Postgres pool: its size and the pooling mode of the server it talks to. */
  dbPool: { mode: 'session' | 'transaction'; max: number };
  /** `url` unset: a private `chroma run` persisting to `dir`. */
  chroma: { url: string | undefined; dir: string };
  /** Retrieval in prompts and indexing of completed plans (`MGE_RAG*`). */
  rag: { enabled: boolean; tokenBudget: number; examplesDir: string | undefined };
  autoMigrate: boolean;
  /** `MGE_QUEUE_PREFIX`; undefined: derived from the database's installation id at start. */
  queuePrefix: string | undefined;
  outputDir: string;
  adminToken: string | undefined;
  /** People's accounts: sessions, one-time tokens and sign-in rate limits. */
  auth: {
    jwtSecret: string | undefined;
    accessTokenSeconds: number;
    refreshTokenSeconds: number;
    resetTokenSeconds: number;
    inviteSeconds: number;
    /** Attempts per account and per IP address in `rateWindowSeconds`. */
    rateLimit: number;
    rateWindowSeconds: number;
  };
  /** Outgoing email: `smtpUrl` unset means emails are logged as not sent. */
  mail: { smtpUrl: string | undefined; from: string; publicUrl: string };
  llm: {
    provider: 'offline' | 'anthropic' | 'sim';
    anthropicApiKey: string | undefined;
    anthropicBaseUrl: string | undefined;
    models: { small: string; large: string; complexityThreshold: number };
    prices: Record<string, ModelPrice>;
    timeoutMs: number;
    maxRetries: number;
    rateLimit: { max: number; durationMs: number } | undefined;
    /** Fleet-wide budgets per model (`MGE_LLM_LIMITS`); undefined when unset. */
    limits: { models: Record<string, ModelLimits>; windowMs: number } | undefined;
    /**
     * First attempts through the batch API (`MGE_LLM_BATCH`); undefined when off. Requests are
     * submitted by `maxRequests` or after `flushMs`; results are polled every `pollMs`; `drafts`:
     * the planner's task drafts and test designs too (`first-attempts`; not `generation`).
     */
    batch: { maxRequests: number; flushMs: number; pollMs: number; drafts: boolean } | undefined;
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
    /** The planner role's `discover` and `masterplan` queues. */
    planner: number;
    /** The `rag-index` queue (consumed by the executor role). */
    ragIndex: number;
  };
  /** Discovery and MasterPlan generation (the planner role). */
  planner: { attempts: number; repairRounds: number; maxTokens: number };
  /** Fair sharing of the LLM queues between tenants (`createFairScheduler` in @mge/queue). */
  fairness: { enabled: boolean; tenantMaxInFlight: number; maxWaiting: number };
  shutdownTimeoutMs: number;
  reconcileIntervalMs: number;
  jobLockMs: number;
  /** See MGE_WORKER_STUCK_MS; 0 disables. */
  workerStuckMs: number;
  /** Limits of the sandbox that runs generated code (L3 py_compile, L4 tests). */
  sandbox: {
    cpuSeconds: number;
    memoryBytes: number;
    maxProcesses: number;
    wallClockMs: number;
    maxOutputBytes: number;
    backend: 'auto' | 'bwrap' | 'unshare' | 'weak';
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
    dbPool: { mode: env.MGE_DB_POOL_MODE, max: env.MGE_DB_POOL_MAX },
    chroma: { url: env.CHROMA_URL, dir: env.CHROMA_DIR },
    rag: {
      enabled: (env.MGE_RAG ?? (env.CHROMA_URL ? 'on' : 'off')) === 'on',
      tokenBudget: env.MGE_RAG_TOKEN_BUDGET,
      examplesDir: env.MGE_RAG_EXAMPLES_DIR,
    },
    autoMigrate: env.MGE_AUTO_MIGRATE,
    queuePrefix: env.MGE_QUEUE_PREFIX,
    outputDir: env.MGE_OUTPUT_DIR,
    adminToken: env.MGE_ADMIN_TOKEN,
    auth: {
      jwtSecret: env.MGE_JWT_SECRET,
      accessTokenSeconds: env.MGE_ACCESS_TOKEN_MINUTES * 60,
      refreshTokenSeconds: env.MGE_REFRESH_TOKEN_DAYS * 86_400,
      resetTokenSeconds: env.MGE_RESET_TOKEN_MINUTES * 60,
      inviteSeconds: env.MGE_INVITE_DAYS * 86_400,
      rateLimit: env.MGE_AUTH_RATE_LIMIT,
      rateWindowSeconds: 15 * 60,
    },
    mail: { smtpUrl: env.MGE_SMTP_URL, from: env.MGE_MAIL_FROM, publicUrl: env.MGE_PUBLIC_URL },
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
      limits: env.MGE_LLM_LIMITS
        ? { models: parseLimits(env.MGE_LLM_LIMITS), windowMs: env.MGE_LLM_LIMITS_WINDOW_MS }
        : undefined,
      batch:
        env.MGE_LLM_BATCH !== 'off'
          ? {
              maxRequests: env.MGE_LLM_BATCH_MAX_REQUESTS,
              flushMs: env.MGE_LLM_BATCH_FLUSH_MS,
              pollMs: env.MGE_LLM_BATCH_POLL_MS,
              drafts: env.MGE_LLM_BATCH === 'first-attempts',
            }
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
      planner: env.MGE_PLANNER_CONCURRENCY,
      ragIndex: env.MGE_RAG_INDEX_CONCURRENCY,
    },
    planner: {
      attempts: env.MGE_PLANNER_ATTEMPTS,
      repairRounds: env.MGE_PLANNER_REPAIR_ROUNDS,
      maxTokens: env.MGE_PLANNER_MAX_TOKENS,
    },
    fairness: {
      enabled: env.MGE_FAIR_SCHEDULING,
      tenantMaxInFlight: env.MGE_TENANT_MAX_IN_FLIGHT,
      maxWaiting: env.MGE_FAIR_MAX_WAITING,
    },
    shutdownTimeoutMs: env.MGE_SHUTDOWN_TIMEOUT_MS,
    jobLockMs: env.MGE_JOB_LOCK_MS,
    workerStuckMs: env.MGE_WORKER_STUCK_MS,
    reconcileIntervalMs: env.MGE_RECONCILE_INTERVAL_MS,
    sandbox: {
      cpuSeconds: env.MGE_SANDBOX_CPU_SECONDS,
      memoryBytes: env.MGE_SANDBOX_MEMORY_MB * 1024 * 1024,
      maxProcesses: env.MGE_SANDBOX_MAX_PROCESSES,
      wallClockMs: env.MGE_SANDBOX_TIMEOUT_MS,
      maxOutputBytes: env.MGE_SANDBOX_MAX_OUTPUT_BYTES,
      backend: env.MGE_SANDBOX,
      allowWeak: env.MGE_SANDBOX_ALLOW_WEAK,
    },
    review: {
      confidenceThreshold: env.MGE_CONFIDENCE_THRESHOLD,
      maxShare: env.MGE_REVIEW_MAX_SHARE,
    },
    metricsPort: env.MGE_METRICS_PORT,
  };
}
