import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from '@mge/api';
import type { Config } from '@mge/config';
import { ensureTenant } from '@mge/db';
import { openResources, ROLE_NAMES, startRole, type Resources, type RoleName } from '@mge/pipeline';
import { closeAll, type Closable } from '@mge/queue';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { createTestDatabase, testConfig, type TestDatabase } from './services';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestFleet {
  config: Config;
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
  const config = testConfig({ DATABASE_URL: database.url, MGE_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
  const { resources, close } = await openResources(config, 'test');
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
      await dropPlanEvents(config.redisUrl, config.queuePrefix);
      await close();
      await database.drop();
    },
  };
}

/** Live-progress streams are not queues (obliterate leaves them): drop them by prefix. */
async function dropPlanEvents(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  for await (const keys of redis.scanStream({ match: `${prefix}:plan-events:*`, count: 1000 }))
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  await redis.quit();
}

export { freePort } from '@mge/cli';

/** Apps that run as their own OS process in production. */
export const PROCESS_APPS = ['api', 'atomizer', 'graph-builder', 'executor', 'validator'] as const;

/** The compiled entry point of an app; says what to do when it is not built. */
export function appEntryPoint(app: (typeof PROCESS_APPS)[number]): string {
  const file = path.resolve(__dirname, '..', '..', 'apps', app, 'dist', 'main.js');
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`npm run build\` (npm test builds first)`);
  return file;
}
