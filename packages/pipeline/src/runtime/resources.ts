import { createAtomizerPool, type AtomizerPool } from '@mge/atomizer';
import path from 'node:path';
import type { Config } from '@mge/config';
import { StartupError } from '@mge/core';
import {
  dropPendingBatchRequests,
  getInstallationId,
  markBatchSubmitted,
  openDatabase,
  type DatabaseHandle,
  type Db,
} from '@mge/db';
import { createGraphPool, type GraphPool } from '@mge/graph';
import { createLlmProvider, type LlmProvider } from '@mge/llm';
import {
  closeQueues,
  closeRedis,
  connectRedis,
  createPlanEvents,
  createLlmBudget,
  createPlanSignals,
  createFairScheduler,
  FAIR_QUEUES,
  createQueues,
  producerConnection,
  releaseConnection,
  workerConnection,
  type FairScheduler,
  type PlanEvents,
  type PlanSignals,
  type Queues,
  type RedisClient,
} from '@mge/queue';
import { chromaClient, RagStore, Retriever } from '@mge/rag';
import { createLogger, createMetrics, type Logger, type Metrics } from '@mge/telemetry';
import type { ConnectionOptions } from 'bullmq';
import { createBatchAccumulator, type BatchAccumulator } from './batch-accumulator.js';
import { createMailer, type Mailer } from './mailer.js';
import { DEFAULT_EXAMPLES_DIR, readExamplePlans } from './example-plans.js';
import { meteredLlm } from './metered-llm.js';
import { withPlanNotifications } from './plan-notifications.js';
import { rateLimitedLlm } from './rate-limited-llm.js';

/** The configuration a running process uses: the queue prefix is known (see `queuePrefixOf`). */
export type RunConfig = Config & { queuePrefix: string };

/** Everything a stage processor touches, injected (no module-level clients anywhere). */
export interface Resources {
  config: RunConfig;
  db: Db;
  queues: Queues;
  llm: LlmProvider;
  logger: Logger;
  metrics: Metrics;
  /** Fleet-wide plan signals (cancellation) over Redis pub/sub. */
  signals: PlanSignals;
  /** Live progress: per-plan event streams (WebSocket clients read them); also emails opted-in users. */
  events: PlanEvents;
  /** Plain Redis commands (counters such as sign-in attempts); connects on first use, fails fast. */
  redis: RedisClient;
  /** Outgoing email (SMTP, or logged as not sent). */
  mailer: Mailer;
  /**
   * First attempts' requests waiting to be submitted as a batch (`MGE_LLM_BATCH=first-attempts`
   * with a provider that has a batch API); undefined otherwise: every call goes direct.
   */
  batcher?: BatchAccumulator;
  /**
   * Retrieval over Chroma (prompts, search, indexing of completed plans); undefined when
   * `MGE_RAG` is off.
   */
  rag: Retriever | undefined;
  /** Worker threads for tree-sitter parsing, so it never blocks this process's event loop. */
  atomizer: AtomizerPool;
  /** Worker threads for a dependency graph's per-file work (parse, symbols, order edges). */
  graphPool: GraphPool;
  /**
   * Fair sharing of the LLM queues between tenants (`MGE_FAIR_SCHEDULING`); undefined when off:
   * jobs then go straight to BullMQ in the order they come.
   */
  fair: FairScheduler | undefined;
  /** BullMQ connection options for workers (blocking, retry forever). */
  workerConnection: ConnectionOptions;
  clock: () => Date;
}

export interface OpenedResources {
  resources: Resources;
  close: () => Promise<void>;
}

/**
 * Opens the database (migrating when configured), the queues, the LLM provider, and the atomizer
 * and graph pools (their threads start on first use).
 */
export async function openResources(
  config: Config,
  role: string,
  logger?: Logger,
): Promise<OpenedResources> {
  const log = logger ?? createLogger({ level: config.logLevel, name: role });
  const metrics = createMetrics(role);
  const { database, queuePrefix } = await openMigratedDatabase(config);
  const { limits } = config.llm;
  const budget = limits && createLlmBudget(config.redisUrl, queuePrefix, limits.windowMs);
  // Metered inside the limiter: latency and in-flight figures are the provider's, not the wait.
  const metered = meteredLlm(createLlmProvider(config.llm), metrics, config.llm.prices);
  const llm =
    budget && limits
      ? rateLimitedLlm(metered, budget, {
          models: limits.models,
          maxWaitMs: limits.windowMs,
          metrics,
        })
      : metered;
  const producer = producerConnection(config.redisUrl);
  const workers = workerConnection(config.redisUrl);
  const queues = createQueues({ connection: producer, prefix: queuePrefix });
  const signals = createPlanSignals(config.redisUrl, queuePrefix);
  const fair = config.fairness.enabled
    ? createFairScheduler({
        redisUrl: config.redisUrl,
        queues,
        fairQueues: FAIR_QUEUES,
        tenantMaxInFlight: config.fairness.tenantMaxInFlight,
        maxWaiting: config.fairness.maxWaiting,
        // A job that ran this long without finishing is looked up in BullMQ (see the sweep).
        staleMs: Math.max(60_000, 2 * config.jobLockMs),
        logger: log,
      })
    : undefined;
  // General-purpose commands (auth rate limits); connects on first use.
  const redis = connectRedis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
  });
  const mailer = createMailer(config.mail, log);
  const events = withPlanNotifications(createPlanEvents(config.redisUrl, queuePrefix), {
    db: database.db,
    mailer,
    logger: log,
    publicUrl: config.mail.publicUrl,
  });
  const atomizer = createAtomizerPool();
  const graphPool = createGraphPool();
  const { batch } = config.llm;
  if (batch && !llm.batches)
    log.warn(
      { llm: llm.name },
      'MGE_LLM_BATCH needs a provider with a batch API: calling directly',
    );
  const rag = await openRetriever(config, log);
  const batcher =
    batch && llm.batches
      ? createBatchAccumulator({
          batches: llm.batches,
          submitted: (ids, batchId) => markBatchSubmitted(database.db, ids, batchId),
          abandoned: (ids) => dropPendingBatchRequests(database.db, ids),
          maxRequests: batch.maxRequests,
          flushMs: batch.flushMs,
          // The SDK may try a create call `maxRetries` more times.
          requestTimeoutMs: config.llm.timeoutMs * (config.llm.maxRetries + 1),
          logger: log,
        })
      : undefined;
  log.info(
    { database: database.driver, llm: llm.name, batch: batcher !== undefined, queuePrefix },
    'resources ready',
  );
  return {
    resources: {
      config: { ...config, queuePrefix },
      db: database.db,
      queues,
      llm,
      logger: log,
      metrics,
      workerConnection: workers,
      fair,
      signals,
      events,
      mailer,
      ...(batcher ? { batcher } : {}),
      redis,
      atomizer,
      graphPool,
      rag,
      clock: () => new Date(),
    },
    async close() {
      // Requests still held are submitted (their jobs finish) before the database closes.
      await batcher?.close();
      await Promise.all([signals.close(), events.close(), budget?.close(), fair?.close()]);
      await closeQueues(queues);
      // Cluster clients are shared with BullMQ, which leaves them open: close them last.
      await Promise.all([releaseConnection(producer), releaseConnection(workers)]);
      mailer.close();
      await closeRedis(redis);
      await Promise.all([database.close(), atomizer.close(), graphPool.close()]);
    },
  };
}

/**
 * The retriever on `CHROMA_URL` when retrieval is on, with the bundled examples indexed (unless
 * they already are). Chroma unreachable at start is a warning, not a failure: prompts go without
 * snippets until it answers.
 */
async function openRetriever(config: Config, log: Logger): Promise<Retriever | undefined> {
  if (!config.rag.enabled) return undefined;
  if (!config.chroma.url)
    throw new StartupError(
      'MGE_RAG=on needs a Chroma server',
      'set CHROMA_URL, or run the fleet with `mge up` / `mge run`, which start a private `chroma run`',
    );
  const retriever = new Retriever(new RagStore(chromaClient(config.chroma.url)));
  try {
    const examples = await readExamplePlans(config.rag.examplesDir ?? DEFAULT_EXAMPLES_DIR);
    const { indexed, unchanged } = await retriever.indexExamples(examples);
    log.info({ examples: examples.length, indexed, unchanged }, 'bundled examples indexed');
  } catch (err) {
    log.warn({ err, chroma: config.chroma.url }, 'could not index the bundled examples');
  }
  return retriever;
}

/**
 * The queue prefix of processes on this database: `mge-` and the first 12 hex digits of its
 * installation id. Every process on one database (a Postgres fleet, or one `mge up`) shares its
 * queues; processes on different databases (two `mge up` directories, each in-memory `mge run`,
 * two Postgres databases) never take each other's jobs on a shared Redis.
 */
export async function queuePrefixOf(db: Db): Promise<string> {
  return `mge-${(await getInstallationId(db)).replace(/-/g, '').slice(0, 12)}`;
}

/**
 * Opens (and migrates, when configured) the database and settles the queue prefix; a failure
 * names the database and what to do.
 */
async function openMigratedDatabase(
  config: Config,
): Promise<{ database: DatabaseHandle; queuePrefix: string }> {
  const where = config.databaseUrl
    ? `Postgres at ${redactPassword(config.databaseUrl)}`
    : config.pgliteDir === 'memory://'
      ? 'the in-memory PGlite database'
      : `the embedded PGlite database in ${path.resolve(config.pgliteDir)}`;
  const hint = config.databaseUrl
    ? 'check that Postgres runs and that DATABASE_URL names a reachable server, database and ' +
      'user; with MGE_AUTO_MIGRATE=false, run `mge migrate` first'
    : 'PGLITE_DIR must be a directory this process can create and write (it is made if missing), ' +
      'used by no other process; or set DATABASE_URL to use Postgres';
  let database: DatabaseHandle | undefined;
  try {
    database = openDatabase({
      url: config.databaseUrl,
      pgliteDir: config.pgliteDir,
      maxConnections: config.dbPool.max,
      poolMode: config.dbPool.mode,
    });
    if (config.autoMigrate) await database.migrate();
    return { database, queuePrefix: config.queuePrefix ?? (await queuePrefixOf(database.db)) };
  } catch (cause) {
    await database?.close().catch(() => undefined);
    throw new StartupError(`cannot open ${where}`, hint, { cause });
  }
}

function redactPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
