import type { Config } from '@mge/config';
import { openDatabase, type Db } from '@mge/db';
import { OfflineProvider, type LlmProvider } from '@mge/llm';
import {
  closeQueues,
  createQueues,
  producerConnection,
  workerConnection,
  type Queues,
} from '@mge/queue';
import { createLogger, createMetrics, type Logger, type Metrics } from '@mge/telemetry';
import type { ConnectionOptions } from 'bullmq';

/** Everything a stage processor touches, injected (no module-level clients anywhere). */
export interface Resources {
  config: Config;
  db: Db;
  queues: Queues;
  llm: LlmProvider;
  logger: Logger;
  metrics: Metrics;
  /** BullMQ connection options for workers (blocking, retry forever). */
  workerConnection: ConnectionOptions;
  clock: () => Date;
}

export interface OpenedResources {
  resources: Resources;
  close: () => Promise<void>;
}

export function createLlmProvider(config: Config): LlmProvider {
  switch (config.llm.provider) {
    case 'offline':
      return new OfflineProvider();
    case 'anthropic':
    case 'sim':
      throw new Error(
        `the "${config.llm.provider}" LLM provider is not available in this build yet; ` +
          'set MGE_LLM_PROVIDER=offline (or unset ANTHROPIC_API_KEY) to use the offline provider',
      );
  }
}

/** Opens the database (migrating when configured), the queues and the LLM provider. */
export async function openResources(
  config: Config,
  role: string,
  logger?: Logger,
): Promise<OpenedResources> {
  const log = logger ?? createLogger({ level: config.logLevel, name: role });
  const llm = createLlmProvider(config);
  const database = openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir });
  if (config.autoMigrate) await database.migrate();
  const queues = createQueues({
    connection: producerConnection(config.redisUrl),
    prefix: config.queuePrefix,
  });
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
      metrics: createMetrics(role),
      workerConnection: workerConnection(config.redisUrl),
      clock: () => new Date(),
    },
    async close() {
      await closeQueues(queues);
      await database.close();
    },
  };
}
