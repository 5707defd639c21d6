import type { ConnectionOptions } from 'bullmq';

export interface RedisSettings {
  url: string;
}

function parse(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
} {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Workers block on Redis and must retry forever (BullMQ requires `maxRetriesPerRequest: null`). */
export function workerConnection(url: string): ConnectionOptions {
  return { ...parse(url), maxRetriesPerRequest: null };
}

/** Producers fail fast when Redis is down so an HTTP request gets an error, not a hang. */
export function producerConnection(url: string): ConnectionOptions {
  return {
    ...parse(url),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
  };
}
