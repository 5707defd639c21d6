import { Cluster } from 'ioredis';
import { parseRedisUrl, queueKeyPrefix } from './connection.js';

describe('parseRedisUrl', () => {
  it('reads one server with credentials, database and TLS', () => {
    expect(parseRedisUrl('rediss://u:p%40ss@cache.example:6380/2')).toEqual({
      cluster: false,
      nodes: [{ host: 'cache.example', port: 6380 }],
      options: { username: 'u', password: 'p@ss', db: 2, tls: {} },
    });
    expect(parseRedisUrl('redis://127.0.0.1')).toMatchObject({
      nodes: [{ host: '127.0.0.1', port: 6379 }],
      options: {},
    });
  });

  it('reads a cluster as seed nodes sharing one password', () => {
    expect(parseRedisUrl('redis-cluster://:secret@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002')).toEqual(
      {
        cluster: true,
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        options: { password: 'secret' },
      },
    );
  });
});

describe('queueKeyPrefix', () => {
  it('keeps the plain prefix on one server', () => {
    expect(queueKeyPrefix('mge', 'generate', { host: '127.0.0.1', port: 6379 })).toBe('mge');
  });

  it("makes the queue's name the hash tag on a cluster, so each queue lives in one slot", () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    expect(queueKeyPrefix('mge', 'generate', cluster as never)).toBe('mge:{generate}');
    cluster.disconnect();
  });
});
