import type { Config } from '@mge/config';
import { openDatabase, type Db } from '@mge/db';
import { createLlmProvider, type LlmProvider } from '@mge/llm';
import {
  closeQueues,
  createPlanEvents,
  createPlanSignals,
  createQueues,
  producerConnection,
  workerConnection,
  type PlanEvents,
  type PlanSignals,
  type Queues,
} from '@mge/queue';
import { createLogger, createMetrics, type Logger, type Metrics } from '@mge/telemetry';
import type { ConnectionOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { meteredLlm } from './metered-llm.js';

/** Everything a stage processor touches, injected (no module-level clients anywhere). */
export interface Resources {
  config: Config;
  db: Db;
  queues: Queues;
  llm: LlmProvider;
  logger: Logger;
  metrics: Metrics;
  /** Fleet-wide plan signals (cancellation) over Redis pub/sub. */
  signals: PlanSignals;
  /** Live progress: per-plan event streams (WebSocket clients read them). */
  events: PlanEvents;
  /** BullMQ connection options for workers (blocking, retry forever). */
  workerConnection: ConnectionOptions;
  clock: () => Date;
}

export interface OpenedResources {
  resources: Resources;
  close: () => Promise<void>;
}

/** Opens the database (migrating when configured), the queues and the LLM provider. */
export async function openResources(
  config: Config,
  role: string,
  logger?: Logger,
): Promise<OpenedResources> {
  const log = logger ?? createLogger({ level: config.logLevel, name: role });
  const metrics = createMetrics(role);
  const llm = meteredLlm(createLlmProvider(config.llm), metrics, config.llm.prices);
  const database = openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir });
  if (config.autoMigrate) await database.migrate();
  const queues = createQueues({
    connection: producerConnection(config.redisUrl),
    prefix: config.queuePrefix,
  });
  const signals = createPlanSignals(
    workerConnection(config.redisUrl) as RedisOptions,
    config.queuePrefix,
  );
  const events = createPlanEvents(
    workerConnection(config.redisUrl) as RedisOptions,
    config.queuePrefix,
  );
  log.info(
    { database: database.driver, llm: llm.name, queuePrefix: config.queuePrefix },
    'resources ready',
  );
  return {
    resources: {
      config,
      db: database.db,
      queues,
      llm,
      logger: log,
      metrics,
      workerConnection: workerConnection(config.redisUrl),
      signals,
      events,
      clock: () => new Date(),
    },
    async close() {
      await Promise.all([signals.close(), events.close()]);
      await closeQueues(queues);
      await database.close();
    },
  };
}
