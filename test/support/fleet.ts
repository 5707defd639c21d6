import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from '@mge/api';
import { ensureTenant } from '@mge/db';
import {
  openResources,
  ROLE_NAMES,
  startReconciler,
  startRole,
  type Resources,
  type RoleName,
  type RunConfig,
} from '@mge/pipeline';
import { closeAll, closeRedis, connectRedis, type Closable } from '@mge/queue';
import type { Express } from 'express';
import { Cluster, type Redis } from 'ioredis';
import { createTestDatabase, testConfig, type TestDatabase } from './services';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestFleet {
  config: RunConfig;
  database: TestDatabase;
  resources: Resources;
  app: Express;
  tenantId: string;
  /** Starts more worker roles in this process. */
  startRoles(roles: readonly RoleName[]): void;
  /** Closes roles, queues and drops the database. */
  stop(): Promise<void>;
}

/** Every worker role in this process plus the Express app (no socket): real Redis and Postgres. */
export async function startTestFleet(
  env: Record<string, string> = {},
  roles: readonly RoleName[] = ROLE_NAMES,
): Promise<TestFleet> {
  const database = await createTestDatabase();
  const { resources, close } = await openResources(
    testConfig({ DATABASE_URL: database.url, MGE_ADMIN_TOKEN: ADMIN_TOKEN, ...env }),
    'test',
  );
  const { config } = resources;
  const workers: Closable[] = roles.map((role) => startRole(role, resources));
  const tenant = await ensureTenant(resources.db, 'default');
  const app = createApp({ config, deps: { resources, defaultTenantId: tenant.id } });
  return {
    config,
    database,
    resources,
    app,
    tenantId: tenant.id,
    startRoles(more) {
      workers.push(...more.map((role) => startRole(role, resources)));
    },
    async stop() {
      await closeAll(workers, resources.logger, 5000);
      await Promise.all(
        Object.values(resources.queues).map((q) =>
          q.obliterate({ force: true }).catch(() => undefined),
        ),
      );
      for (const queue of resources.fair?.queues ?? []) await resources.fair?.clear(queue);
      await dropPlanEvents(config.redisUrl, config.queuePrefix);
      await close();
      await database.drop();
    },
  };
}

export interface SplitFleet extends TestFleet {
  /** Starts an executor as its own OS process with `executorEnv` (compiled app; see below). */
  spawnExecutor(): ChildProcess;
}

/**
 * A test fleet whose executors run as their own processes (a test may SIGKILL one): every other
 * role in this process, and a reconciler every `reconcileMs`, as the API process runs it in
 * production (it re-runs what Postgres says is open, e.g. a job BullMQ failed for stalling
 * twice). `stop` SIGKILLs the executors still alive.
 */
export async function startFleetWithExecutorProcesses(
  env: Record<string, string>,
  executorEnv: Record<string, string>,
  reconcileMs = 3_000,
): Promise<SplitFleet> {
  const fleet = await startTestFleet(
    env,
    ROLE_NAMES.filter((role) => role !== 'executor'),
  );
  const reconciler = startReconciler(fleet.resources, reconcileMs);
  const executors: ChildProcess[] = [];
  return {
    ...fleet,
    spawnExecutor() {
      const child = spawn(process.execPath, [appEntryPoint('executor')], {
        env: fleetProcessEnv(fleet, executorEnv),
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      executors.push(child);
      return child;
    },
    async stop() {
      for (const child of executors) if (child.exitCode === null) child.kill('SIGKILL');
      await reconciler.close();
      await fleet.stop();
    },
  };
}

/**
 * The environment of an app process joining a test fleet: its database, Redis and queue prefix,
 * no migration (the fleet ran it), quiet logs, a free metrics port; `env` adds or overrides.
 */
export function fleetProcessEnv(
  fleet: Pick<TestFleet, 'database' | 'config'>,
  env: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: fleet.database.url,
    REDIS_URL: fleet.config.redisUrl,
    MGE_QUEUE_PREFIX: fleet.config.queuePrefix,
    MGE_AUTO_MIGRATE: 'false',
    MGE_METRICS_PORT: '0',
    ...env,
  };
}

/** Live-progress streams are not queues (obliterate leaves them): drop them by prefix. */
async function dropPlanEvents(redisUrl: string, prefix: string): Promise<void> {
  const client = connectRedis(redisUrl);
  // SCAN is per server: on a cluster, scan every master (a key lives on exactly one).
  const servers: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  for (const redis of servers)
    for await (const keys of redis.scanStream({ match: `${prefix}:plan-events:*`, count: 1000 }))
      for (const key of keys as string[]) await client.del(key);
  await closeRedis(client);
}

export { freePort } from '@mge/cli';

/** Apps that run as their own OS process in production. */
export const PROCESS_APPS = [
  'api',
  'atomizer',
  'graph-builder',
  'executor',
  'validator',
  'planner',
] as const;

/** The compiled entry point of an app; says what to do when it is not built. */
export function appEntryPoint(app: (typeof PROCESS_APPS)[number]): string {
  const file = path.resolve(__dirname, '..', '..', 'apps', app, 'dist', 'main.js');
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`npm run build\` (npm test builds first)`);
  return file;
}
