import net from 'node:net';
import { createLogger } from '@mge/telemetry';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@test/services';
import { producerConnection, workerConnection } from './connection.js';
import { closeQueues, createQueues, type Queues } from './producer.js';
import { createWorker, type QueueWorker } from './worker.js';

const planId = '11111111-1111-4111-8111-111111111111';
const logger = createLogger({ level: 'silent' });

/**
 * A TCP proxy in front of the real Redis that can black-hole the connections it holds: bytes stop
 * flowing both ways but no socket closes, as when a failed-over node or a dropped NAT entry
 * leaves a client talking to nobody. Connections made after `heal()` work normally.
 */
async function blackHoleProxy(target: { host: string; port: number }) {
  const pairs: { client: net.Socket; server: net.Socket }[] = [];
  let holing = false;
  const proxy = net.createServer((client) => {
    const server = net.connect(target);
    pairs.push({ client, server });
    client.on('error', () => undefined);
    server.on('error', () => undefined);
    if (holing) return; // accepted, never served
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    blackHole() {
      holing = true;
      for (const { client, server } of pairs) {
        client.unpipe(server);
        server.unpipe(client);
        client.pause();
        server.pause();
      }
    },
    heal() {
      holing = false;
    },
    async close() {
      for (const { client, server } of pairs) {
        client.destroy();
        server.destroy();
      }
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe('a wedged worker', () => {
  let prefix: string;
  let queues: Queues;
  let proxy: Awaited<ReturnType<typeof blackHoleProxy>>;
  let worker: QueueWorker | undefined;

  beforeEach(async () => {
    prefix = uniqueQueuePrefix();
    queues = createQueues({ connection: producerConnection(TEST_REDIS_URL), prefix });
    const { hostname, port } = new URL(TEST_REDIS_URL);
    proxy = await blackHoleProxy({ host: hostname, port: Number(port || 6379) });
  });
  afterEach(async () => {
    await worker?.close(true);
    worker = undefined;
    await proxy.close();
    await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
    await closeQueues(queues);
  }, 60_000);

  /** A worker on the proxy; it has run one job, so its connections are up and blocking. */
  async function wedgedWorker(stuckAfterMs: number) {
    const done: string[] = [];
    worker = createWorker(
      'graph',
      (_payload, { job }) => {
        done.push(job.id ?? '');
        return Promise.resolve();
      },
      {
        connection: workerConnection(proxy.url),
        prefix,
        concurrency: 1,
        logger,
        watch: { queue: queues.graph, stuckAfterMs },
      },
    );
    await queues.graph.add('graph', { planId }, { jobId: 'before' });
    await waitFor(() => Promise.resolve(done.includes('before') || undefined), 'the first job');
    // Every connection the worker holds now leads nowhere; new ones would work.
    proxy.blackHole();
    proxy.heal();
    await queues.graph.add('graph', { planId }, { jobId: 'after' });
    return done;
  }

  it('is replaced by a fresh worker that takes the waiting job', async () => {
    const done = await wedgedWorker(1_500);
    await waitFor(
      () => Promise.resolve(done.includes('after') || undefined),
      'the job after',
      20_000,
    );
    expect(done).toEqual(['before', 'after']);
  }, 60_000);

  it('without the watch, stays wedged (the control)', async () => {
    const done = await wedgedWorker(0);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(await queues.graph.getJobState('after')).toBe('waiting');
    expect(done).toEqual(['before']);
  }, 60_000);
});
