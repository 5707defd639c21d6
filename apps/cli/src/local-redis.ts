import { spawnSync } from 'node:child_process';
import { freePort, reachable, startPrivateServer, type ServiceEndpoint } from './private-server.js';
import { isClusterUrl } from '@mge/queue';
import { StartupError } from '@mge/core';

export { freePort, reachable };
export type RedisEndpoint = ServiceEndpoint;

/**
 * Which Redis `ensureRedis` takes: the one at `url` when it answers; else, when `url` was not
 * chosen explicitly and a `redis-server` binary exists, a private one; else none.
 */
export async function redisChoice(
  url: string,
  explicit: boolean,
): Promise<'reachable' | 'private' | 'unavailable'> {
  // A cluster is always an explicit choice; its client reports unreachable seed nodes itself.
  if (isClusterUrl(url)) return 'reachable';
  if (await reachable(url)) return 'reachable';
  const hasBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  return explicit || !hasBinary ? 'unavailable' : 'private';
}

/** What to do when no Redis answers: start one, or point REDIS_URL at one. */
export const REDIS_ADVICE =
  'start Redis (e.g. `redis-server --daemonize yes`; install it with `apt-get install ' +
  'redis-server`) or point REDIS_URL at a running server';

/** The Redis `redisChoice` picks; a private one listens on a free port (no persistence) until exit. */
export async function ensureRedis(url: string, explicit: boolean): Promise<RedisEndpoint> {
  const choice = await redisChoice(url, explicit);
  if (choice === 'reachable') return { url };
  if (choice === 'unavailable')
    throw new StartupError(`Redis is not reachable at ${url}`, REDIS_ADVICE);
  const port = await freePort();
  return startPrivateServer(
    'redis-server',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    `redis://127.0.0.1:${port}`,
  );
}
