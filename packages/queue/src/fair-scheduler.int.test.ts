import { randomUUID } from 'node:crypto';
import { createLogger } from '@mge/telemetry';
import { Worker } from 'bullmq';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@test/services';
import type { Payload } from './catalog.js';
import { producerConnection, workerConnection } from './connection.js';
import { createFairScheduler, type FairScheduler } from './fair-scheduler.js';
import { closeQueues, createQueues, enqueueAll, type Queues } from './producer.js';
import { createWorker } from './worker.js';

const logger = createLogger({ level: 'silent' });
const planOf = { big: randomUUID(), small: randomUUID() };
const tenantOfPlan = new Map<string, string>([
  [planOf.big, 'tenant-big'],
  [planOf.small, 'tenant-small'],
]);
const jobs = (plan: string, n: number) =>
  Array.from({ length: n }, () => ({
    queue: 'generate' as const,
    payload: { planId: plan, atomId: randomUUID(), attempt: 1 },
  }));
/** Waits for a condition on what the workers recorded. */
const until = (done: () => boolean, what: string) =>
  waitFor(() => Promise.resolve(done() ? true : undefined), what);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fair scheduling between tenants (real Redis, real BullMQ workers)', () => {
  let prefix: string;
  let queues: Queues;
  const open: { close(): Promise<unknown> }[] = [];

  beforeEach(() => {
    prefix = uniqueQueuePrefix();
    queues = createQueues({ connection: producerConnection(TEST_REDIS_URL), prefix });
  });
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
    await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
    await closeQueues(queues);
  });

  function scheduler(options: { cap?: number; maxWaiting?: number; staleMs?: number } = {}) {
    const fair = createFairScheduler({
      redisUrl: TEST_REDIS_URL,
      queues,
      fairQueues: ['generate'],
      tenantMaxInFlight: options.cap ?? 0,
      maxWaiting: options.maxWaiting ?? 4,
      staleMs: options.staleMs ?? 60_000,
      pumpMs: 50,
      logger,
    });
    open.push({ close: async () => (await fair.clear('generate'), await fair.close()) });
    return fair;
  }
  const fairOf = (scheduler: FairScheduler) => ({
    scheduler,
    tenantOf: (planId: string) => Promise.resolve(tenantOfPlan.get(planId)!),
  });

  /** Jobs of each plan running now, and the most at once, across every worker of the test. */
  const current = new Map<string, number>();
  const peak = new Map<string, number>();
  beforeEach(() => {
    current.clear();
    peak.clear();
  });

  /** A worker that records which plan each job belonged to, in the order they finish. */
  function worker(fair: FairScheduler | undefined, concurrency: number, ms = 15) {
    const finished: string[] = [];
    let running = 0;
    const w = createWorker(
      'generate',
      async (p: Payload<'generate'>) => {
        running++;
        current.set(p.planId, (current.get(p.planId) ?? 0) + 1);
        peak.set(p.planId, Math.max(peak.get(p.planId) ?? 0, current.get(p.planId)!));
        await sleep(ms);
        current.set(p.planId, current.get(p.planId)! - 1);
        running--;
        finished.push(p.planId);
      },
      {
        connection: workerConnection(TEST_REDIS_URL),
        prefix,
        concurrency,
        logger,
        fair,
      },
    );
    open.push(w);
    return { finished, running: () => running, close: () => w.close() };
  }

  /** Where (1-based, in finishing order) the last job of the small plan finished. */
  const lastSmall = (finished: string[]) => finished.lastIndexOf(planOf.small) + 1;

  it('lets a tenant arriving late in after a few jobs, where FIFO makes it wait for all', async () => {
    const fair = scheduler({ maxWaiting: 4 });
    const withFairness = worker(fair, 4);
    await enqueueAll(queues, jobs(planOf.big, 120), fairOf(fair));
    await until(() => withFairness.finished.length >= 8, 'a start');
    await enqueueAll(queues, jobs(planOf.small, 6), fairOf(fair));
    const arrived = withFairness.finished.length;
    await until(() => withFairness.finished.length === 126, 'every job');
    // Behind at most 4 waiting + 4 running jobs, then one of every two dispatches (+ slack).
    expect(lastSmall(withFairness.finished) - arrived).toBeLessThanOrEqual(4 + 4 + 2 * 6 + 4);
    expect(await fair.held('generate')).toEqual({});
    expect(await fair.inFlight('generate', 'tenant-big')).toBe(0);
    await withFairness.close();

    // The same arrival without fairness: the small plan's jobs queue behind the big one's.
    const fifo = worker(undefined, 4);
    await enqueueAll(queues, jobs(planOf.big, 120));
    await until(() => fifo.finished.length >= 8, 'a start');
    await enqueueAll(queues, jobs(planOf.small, 6));
    await until(() => fifo.finished.length === 126, 'every job');
    expect(lastSmall(fifo.finished)).toBeGreaterThan(110);
  }, 30_000);

  it('keeps a tenant within its fleet-wide cap while others use the free workers', async () => {
    const fair = scheduler({ cap: 2, maxWaiting: 50 });
    // Two "processes": the cap is held in Redis, not per worker.
    const a = worker(fair, 6, 30);
    const b = worker(fair, 6, 30);
    await enqueueAll(queues, [...jobs(planOf.big, 30), ...jobs(planOf.small, 30)], fairOf(fair));
    await until(() => a.finished.length + b.finished.length === 60, 'every job');
    // Twelve worker slots, but never more than two jobs of a tenant at once, fleet-wide.
    expect(peak.get(planOf.big)).toBe(2);
    expect(peak.get(planOf.small)).toBe(2);
    expect(await fair.inFlight('generate', 'tenant-big')).toBe(0);
  }, 30_000);

  it('holds a job once, and adds a job already in flight directly', async () => {
    const fair = scheduler({ maxWaiting: 1 });
    const batch = jobs(planOf.big, 3);
    await enqueueAll(queues, batch, fairOf(fair));
    await enqueueAll(queues, batch, fairOf(fair));
    expect(await fair.held('generate')).toEqual({ 'tenant-big': 2 });
    // What the queue-depth gauge exports as `held` (autoscalers count it); other queues have none.
    expect(await fair.heldTotal('generate')).toBe(2);
    expect(await fair.heldTotal('validate')).toBeUndefined();
    expect(await fair.inFlight('generate', 'tenant-big')).toBe(1);
    // Dispatched jobs carry their tenant's count in flight as priority.
    expect(await queues.generate.getJobCountByTypes('wait', 'prioritized')).toBe(1);
    expect((await queues.generate.getJobs(['prioritized']))[0]?.opts.priority).toBe(1);
  });

  it('sweeps: re-adds a dispatched job BullMQ lost, frees the slot of one finished unreleased', async () => {
    const fair = scheduler({ maxWaiting: 10, staleMs: 0 });
    const [lost, unreleased] = jobs(planOf.big, 2);
    await enqueueAll(queues, [lost!, unreleased!], fairOf(fair));
    expect(await fair.inFlight('generate', 'tenant-big')).toBe(2);
    // The dispatcher "died" after its script: the job never reached BullMQ.
    await queues.generate.remove(`atom:${lost!.payload.atomId}:1`);
    // A worker without the fair hooks finishes the other job: nobody releases its slot.
    const plain = new Worker('generate', () => Promise.resolve(), {
      connection: workerConnection(TEST_REDIS_URL),
      prefix,
    });
    open.push(plain);
    await waitFor(
      async () => ((await queues.generate.getCompletedCount()) === 1 ? true : undefined),
      'the unreleased job to complete',
    );
    await sleep(5);
    expect(await fair.sweep('generate')).toBe(2);
    // The lost job is back in BullMQ and runs; then nothing is in flight but it.
    await waitFor(
      async () => ((await queues.generate.getCompletedCount()) === 2 ? true : undefined),
      'the lost job to run',
    );
    await sleep(5);
    await fair.sweep('generate');
    expect(await fair.inFlight('generate', 'tenant-big')).toBe(0);
  });
});
