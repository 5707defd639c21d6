import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A client of a single Redis or of a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisEndpoint {
  /** `redis-cluster://HOST:PORT[,HOST:PORT...]` selects cluster mode. */
  cluster: boolean;
  /** The server, or the cluster's seed nodes. */
  nodes: { host: string; port: number }[];
  /** Authentication, TLS and database shared by every node. */
  options: RedisOptions;
}

const CLUSTER_PROTOCOLS = /^rediss?-cluster:$/;

/**
 * Parses `redis://`, `rediss://` (TLS), `redis-cluster://` and `rediss-cluster://` URLs. A cluster
 * URL lists seed nodes separated by commas; the client discovers the rest of the cluster.
 */
export function parseRedisUrl(url: string): RedisEndpoint {
  const protocol = /^[a-z-]+:/i.exec(url)?.[0].toLowerCase() ?? '';
  const cluster = CLUSTER_PROTOCOLS.test(protocol);
  // WHATWG URLs take one host: parse the first seed node, read the others from the host list.
  const hosts = /^[a-z-]+:\/\/(?:[^@/]*@)?([^/?#]*)/i.exec(url)?.[1]?.split(',') ?? [];
  const u = new URL(cluster ? url.replace(hosts.join(','), hosts[0] ?? '') : url);
  const nodes = (cluster ? hosts : [u.host]).map((h) => {
    const { hostname, port } = new URL(`redis://${h}`);
    return { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) };
  });
  const options: RedisOptions = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(!cluster && u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(protocol.startsWith('rediss') ? { tls: {} } : {}),
  };
  return { cluster, nodes, options };
}

export const isClusterUrl = (url: string): boolean => parseRedisUrl(url).cluster;

/** A new client for `url` (a Cluster client in cluster mode), with `overrides` on every node. */
export function connectRedis(url: string, overrides: RedisOptions = {}): RedisClient {
  const { cluster, nodes, options } = parseRedisUrl(url);
  if (!cluster) return new Redis({ ...options, ...nodes[0], ...overrides });
  const { enableOfflineQueue, ...redisOptions } = { ...options, ...overrides };
  return new Cluster(nodes, {
    redisOptions,
    // Ride out a failover (a replica takes over within about twice the node timeout) instead of
    // failing the commands issued meanwhile: retry MOVED/CLUSTERDOWN for several seconds.
    retryDelayOnFailover: 300,
    retryDelayOnClusterDown: 500,
    maxRedirections: 64,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    // TLS clusters announce node addresses the certificate names: keep the seed's hostname.
    ...(options.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  });
}

/**
 * BullMQ connection for `url`. A single server is given as options (BullMQ opens and closes its
 * connections); a cluster must be given as a Cluster client, which BullMQ treats as shared:
 * release it with `releaseConnection` after closing its queues and workers.
 */
function bullmqConnection(url: string, overrides: RedisOptions): ConnectionOptions {
  const { cluster, nodes, options } = parseRedisUrl(url);
  if (cluster) return connectRedis(url, overrides);
  return { ...options, ...nodes[0], ...overrides } as ConnectionOptions;
}

/** Workers block on Redis and must retry forever (BullMQ requires `maxRetriesPerRequest: null`). */
export function workerConnection(url: string): ConnectionOptions {
  return bullmqConnection(url, { maxRetriesPerRequest: null });
}

/** Producers fail fast when Redis is down so an HTTP request gets an error, not a hang. */
export function producerConnection(url: string): ConnectionOptions {
  return bullmqConnection(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
  });
}

/**
 * Closes a client: QUIT (pending replies are delivered), but never waits longer than `graceMs`
 * (a cluster client whose node died can wait on it forever), then drops the sockets.
 */
export async function closeRedis(client: RedisClient | undefined, graceMs = 2_000): Promise<void> {
  if (!client) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
  ]);
  clearTimeout(timer);
  client.disconnect();
}

/** Closes a connection made by `workerConnection` / `producerConnection` if it is a client. */
export async function releaseConnection(connection: ConnectionOptions): Promise<void> {
  if (connection instanceof Cluster || connection instanceof Redis) await closeRedis(connection);
}

/**
 * The BullMQ key prefix of one queue. On a cluster every key of a queue must live in one hash
 * slot (BullMQ's Lua scripts touch several), so the queue's name becomes the hash tag:
 * `mge:{generate}:generate:wait`. Each queue gets its own slot, so queues spread over the masters.
 * A single server keeps the plain prefix (`mge:generate:wait`), as before.
 */
export function queueKeyPrefix(
  prefix: string,
  queue: string,
  connection: ConnectionOptions,
): string {
  return connection instanceof Cluster ? `${prefix}:{${queue}}` : prefix;
}
