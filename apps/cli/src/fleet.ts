import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApi, type RunningApi } from '@mge/api';
import { loadConfig } from '@mge/config';
import { StartupError } from '@mge/core';
import {
  openResources,
  ROLE_NAMES,
  startReconciler,
  startRole,
  watchJobFailures,
  type OpenedResources,
  type Resources,
  type RoleName,
  type RunConfig,
} from '@mge/pipeline';
import { closeAll, type Closable } from '@mge/queue';
import { createLogger } from '@mge/telemetry';
import { ensureChroma } from './local-chroma.js';
import { ensureRedis } from './local-redis.js';
import type { ServiceEndpoint } from './private-server.js';

export interface Fleet {
  /** The configuration in use, with the queue prefix settled (derived from the database unless set). */
  config: RunConfig;
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
  // Retrieval asked for without a Chroma server: a private `chroma run`, as for Redis.
  // With a throwaway database its tenants are throwaway too: so is the index.
  let chroma: ServiceEndpoint | undefined;
  const throwaway = options.ephemeralDatabase && !env.DATABASE_URL;
  const chromaDir = throwaway
    ? mkdtempSync(path.join(tmpdir(), 'mge-chroma-'))
    : (env.CHROMA_DIR ?? '.mge/chroma');
  if (env.MGE_RAG === 'on' && !env.CHROMA_URL?.trim()) {
    try {
      chroma = await ensureChroma(undefined, chromaDir);
    } catch (error) {
      await redis.stop?.();
      throw error;
    }
    env.CHROMA_URL = chroma.url;
  }
  const stopServers = async () => {
    await chroma?.stop?.();
    if (throwaway) rmSync(chromaDir, { recursive: true, force: true });
    await redis.stop?.();
  };
  if (options.ephemeralDatabase && !env.DATABASE_URL) env.PGLITE_DIR = 'memory://';
  if (options.apiPort !== undefined && !env.MGE_ADMIN_TOKEN)
    env.MGE_ADMIN_TOKEN = `dev_${randomBytes(24).toString('base64url')}`;
  env.LOG_LEVEL ??= options.defaultLogLevel ?? 'info';
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel, name: 'fleet', destination: 'stderr' });
  let opened: OpenedResources;
  try {
    opened = await openResources(config, 'fleet', logger);
  } catch (error) {
    await stopServers();
    throw error;
  }
  const { resources, close } = opened;
  const release = async () => {
    await close();
    await stopServers();
  };
  const closables: Closable[] = (options.roles ?? ROLE_NAMES).map((role) =>
    startRole(role, resources),
  );
  // A waiting command hears of its plan's jobs failing on any worker sharing its queues.
  closables.push(startReconciler(resources), watchJobFailures(resources));
  let api: RunningApi | undefined;
  if (options.apiPort !== undefined) {
    try {
      api = await startApi(resources.config, resources, options.apiPort);
    } catch (cause) {
      await closeAll(closables, resources.logger, config.shutdownTimeoutMs);
      await release();
      throw new StartupError(
        `cannot start the API on ${config.host}:${options.apiPort}`,
        (cause as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? 'the port is taken (another `mge up`?): stop that process or choose another port with --port or PORT'
          : 'check --port / PORT and HOST',
        { cause },
      );
    }
    closables.unshift(api);
  }
  return {
    config: resources.config,
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
