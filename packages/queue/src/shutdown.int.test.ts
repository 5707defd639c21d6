import { createLogger } from '@mge/telemetry';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@test/services';
import { producerConnection, workerConnection } from './connection.js';
import { closeQueues, createQueues, enqueue, type Queues } from './producer.js';
import { closeAll } from './shutdown.js';
import { createWorker } from './worker.js';

const planId = '22222222-2222-4222-8222-222222222222';
const atomId = '33333333-3333-4333-8333-333333333333';
const logger = createLogger({ level: 'silent' });

describe('graceful shutdown of a worker', () => {
  let prefix: string;
  let queues: Queues;

  beforeEach(() => {
    prefix = uniqueQueuePrefix();
    queues = createQueues({ connection: producerConnection(TEST_REDIS_URL), prefix });
  });
  afterEach(async () => {
    await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
    await closeQueues(queues);
  });

  function start(handler: (signal: AbortSignal) => Promise<void>, settled: string[] = []) {
    const worker = createWorker('generate', (_payload, { signal }) => handler(signal), {
      connection: workerConnection(TEST_REDIS_URL),
      prefix,
      concurrency: 4,
      logger,
      onSettled: (outcome) => settled.push(outcome),
    });
    return {
      name: 'generate',
      worker,
      close: () => worker.close(),
      forceClose: () => worker.close(true),
    };
  }

  const jobState = async () => (await queues.generate.getJob(`atom:${atomId}:1`))?.getState();

  it('waits for an in-flight job to finish within the deadline before it resolves', async () => {
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const closable = start(() => running);
    await enqueue(queues, 'generate', { planId, atomId, attempt: 1 });
    await waitFor(
      async () => ((await jobState()) === 'active' ? true : undefined),
      'the job to start',
    );

    let closed = false;
    const closing = closeAll([closable], logger, 10_000).then(() => (closed = true));
    // A negative check cannot wait on a condition: give close a moment to (wrongly) finish.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    expect(await jobState()).toBe('active');
    release();
    await closing;
    expect(await jobState()).toBe('completed');
  });

  it('past the deadline, aborts the job and releases it to the queue, not failed, attempts unchanged', async () => {
    const settled: string[] = [];
    const closable = start(
      (signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted by shutdown')));
        }),
      settled,
    );
    await enqueue(queues, 'generate', { planId, atomId, attempt: 1 });
    await waitFor(
      async () => ((await jobState()) === 'active' ? true : undefined),
      'the job to start',
    );

    await closeAll([closable], logger, 200);

    expect(await jobState()).toBe('waiting');
    const job = (await queues.generate.getJob(`atom:${atomId}:1`))!;
    expect(job.attemptsMade).toBe(0);
    expect(job.failedReason).toBeUndefined();
    expect(settled).toEqual(['released']);

    // Another replica picks the same job (same id, same attempt) up and completes it.
    const runs: string[] = [];
    const replica = start(() => {
      runs.push('replica');
      return Promise.resolve();
    });
    await waitFor(
      async () => ((await jobState()) === 'completed' ? true : undefined),
      'the replica to finish it',
    );
    expect(runs).toEqual(['replica']);
    await closeAll([replica], logger, 5_000);
  });
});
