import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@mge/cli';
import { Redis } from 'ioredis';
import { waitFor } from './services';

const run = promisify(execFile);

export interface RedisClusterNode {
  port: number;
  process: ChildProcess;
}

export interface TestRedisCluster {
  /** `redis-cluster://127.0.0.1:P1,...` naming every node as a seed. */
  url: string;
  nodes: RedisClusterNode[];
  /** The port of the master serving the slot of `key` right now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILLs the master serving `key` and waits until its replica serves it and all is ok. */
  killMasterOf(key: string): Promise<{ killed: number; promoted: number }>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster from Debian's redis-server: `masters` masters with one replica each, formed
 * with `redis-cli --cluster create`. A short node timeout so failover happens within seconds.
 */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mge-redis-cluster-'));
  const nodes: RedisClusterNode[] = [];
  for (let i = 0; i < masters * 2; i++) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${port}.conf`),
        // Short enough for a failover within seconds, long enough that a node slowed down by a
        // loaded machine (CI runs many suites at once on 2 cores) is not taken for dead.
        '--cluster-node-timeout',
        '3000',
        // A replica takes over however long ago it last heard from its master (the default, 10,
        // refuses when a loaded machine delayed replication): a test wants the failover.
        '--cluster-replica-validity-factor',
        '0',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    nodes.push({ port, process: child });
  }
  const ping = async (port: number) => {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await r.connect();
      return (await r.call('CLUSTER', 'INFO')) as string;
    } catch {
      return undefined;
    } finally {
      r.disconnect();
    }
  };
  for (const node of nodes)
    await waitFor(() => ping(node.port), `redis-server on ${node.port}`, 10_000);
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  const alive = () =>
    nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
  const healthy = async () => {
    for (const node of alive()) {
      const info = await ping(node.port);
      if (!info?.includes('cluster_state:ok')) return undefined;
    }
    return true;
  };
  await waitFor(healthy, 'the cluster to be ok', 20_000);

  const masterOf = async (key: string) => {
    const r = new Redis({ port: alive()[0]!.port, host: '127.0.0.1' });
    try {
      const slot = (await r.call('CLUSTER', 'KEYSLOT', key)) as number;
      const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2][1];
    } finally {
      r.disconnect();
    }
  };

  return {
    url: `redis-cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    nodes,
    masterOf,
    async killMasterOf(key) {
      const killed = await masterOf(key);
      const node = nodes.find((n) => n.port === killed)!;
      await new Promise((resolve) => node.process.once('exit', resolve).kill('SIGKILL'));
      const promoted = await waitFor(
        async () => {
          const now = await masterOf(key).catch(() => killed);
          return now !== killed && (await healthy()) ? now : undefined;
        },
        'a replica to take over',
        60_000,
      );
      return { killed, promoted };
    },
    async stop() {
      await Promise.all(
        alive().map(
          (n) => new Promise((resolve) => n.process.once('exit', resolve).kill('SIGKILL')),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
