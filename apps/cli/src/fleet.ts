import { randomBytes } from 'node:crypto';
import { startApi, type RunningApi } from '@mge/api';
import { loadConfig, type Config } from '@mge/config';
import {
  openResources,
  ROLE_NAMES,
  startReconciler,
  startRole,
  type Resources,
  type RoleName,
} from '@mge/pipeline';
import { closeAll, type Closable } from '@mge/queue';
import { createLogger } from '@mge/telemetry';
import { ensureRedis } from './local-redis.js';

export interface Fleet {
  config: Config;
  resources: Resources;
  api?: RunningApi;
  /** Graceful stop of every role and the API, then `release`. */
  stop(): Promise<void>;
  /** Closes the database, the queues and a private Redis (after the closables are closed). */
  release(): Promise<void>;
  closables: Closable[];
}

export interface FleetOptions {
  env?: NodeJS.ProcessEnv;
  /** Start the HTTP API on this port (0: a free one); omit for no API. */
  apiPort?: number;
  /** Use a throwaway in-memory PGlite when no DATABASE_URL is set (run, demo). */
  ephemeralDatabase?: boolean;
  /** Log level when LOG_LEVEL is not set. @defaultValue `info` */
  defaultLogLevel?: string;
  /** Worker roles to run in this process. @defaultValue every role */
  roles?: readonly RoleName[];
}

/** Every worker role (and optionally the API) in this process: the embedded default. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const env = { ...(options.env ?? process.env) };
  const redis = await ensureRedis(
    env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    Boolean(env.REDIS_URL),
  );
  env.REDIS_URL = redis.url;
  if (options.ephemeralDatabase && !env.DATABASE_URL) env.PGLITE_DIR = 'memory://';
  if (options.apiPort !== undefined && !env.MGE_ADMIN_TOKEN)
    env.MGE_ADMIN_TOKEN = `dev_${randomBytes(24).toString('base64url')}`;
  env.LOG_LEVEL ??= options.defaultLogLevel ?? 'info';
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel, name: 'fleet', destination: 'stderr' });
  const { resources, close } = await openResources(config, 'fleet', logger);
  const closables: Closable[] = (options.roles ?? ROLE_NAMES).map((role) =>
    startRole(role, resources),
  );
  const api =
    options.apiPort === undefined ? undefined : await startApi(config, resources, options.apiPort);
  if (api) closables.unshift(api);
  closables.push(startReconciler(resources));
  const release = async () => {
    await close();
    await redis.stop?.();
  };
  return {
    config,
    resources,
    ...(api ? { api } : {}),
    closables,
    async stop() {
      await closeAll(closables, resources.logger, config.shutdownTimeoutMs);
      await release();
    },
    release,
  };
}
