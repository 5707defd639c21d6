import { InvalidInputError, TransientError } from '@mge/core';
import { createLogger } from '@mge/telemetry';
import { QueueEvents, type Job } from 'bullmq';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@test/services';
import { producerConnection, workerConnection } from './connection.js';
import { closeQueues, createQueues, enqueue, type Queues } from './producer.js';
import { createWorker } from './worker.js';
import type { Payload } from './catalog.js';

const planId = '11111111-1111-4111-8111-111111111111';
const logger = createLogger({ level: 'silent' });

describe('createWorker', () => {
  let prefix: string;
  let queues: Queues;
  let events: QueueEvents;

  beforeEach(async () => {
    prefix = uniqueQueuePrefix();
    queues = createQueues({ connection: producerConnection(TEST_REDIS_URL), prefix });
    events = new QueueEvents('graph', { connection: workerConnection(TEST_REDIS_URL), prefix });
    await events.waitUntilReady();
  });
  afterEach(async () => {
    await events.close();
    await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
    await closeQueues(queues);
  });

  function start(
    handler: (p: Payload<'graph'>) => Promise<void>,
    onFinalFailure = jest.fn(() => Promise.resolve()),
  ) {
    const worker = createWorker('graph', handler, {
      connection: workerConnection(TEST_REDIS_URL),
      prefix,
      concurrency: 1,
      logger,
      onFinalFailure,
    });
    return { worker, onFinalFailure };
  }

  // State first, then the job: a job read before it failed would carry no failedReason.
  const failedJob = (id: string) =>
    waitFor(async () => {
      if ((await queues.graph.getJobState(id)) !== 'failed') return undefined;
      return (await queues.graph.getJob(id)) as Job;
    }, `job ${id} to fail`);

  it('fails a job with an invalid payload permanently, without running the handler', async () => {
    const handler = jest.fn(() => Promise.resolve());
    const { worker, onFinalFailure } = start(handler);
    await queues.graph.add(
      'graph',
      { planId: 'not-a-uuid' },
      { jobId: 'bad-payload', attempts: 5 },
    );
    const job = await failedJob('bad-payload');
    expect(job.failedReason).toMatch(/^invalid graph payload: planId: /);
    expect(handler).not.toHaveBeenCalled();
    expect(onFinalFailure).not.toHaveBeenCalled();
    await worker.close();
  });

  it('does not retry a permanent error and records the final failure once', async () => {
    let calls = 0;
    const { worker, onFinalFailure } = start(() => {
      calls++;
      return Promise.reject(new InvalidInputError('broken plan'));
    });
    await enqueue(queues, 'graph', { planId });
    const job = await failedJob(`graph:${planId}:1`);
    expect(job.failedReason).toBe('broken plan');
    expect(job.opts.attempts).toBe(5); // retries were allowed, yet it ran once
    expect(calls).toBe(1);
    expect(onFinalFailure).toHaveBeenCalledTimes(1);
    expect(onFinalFailure).toHaveBeenCalledWith({ planId }, expect.any(InvalidInputError));
    await worker.close();
  });

  it('retries a transient error and succeeds', async () => {
    let calls = 0;
    const { worker, onFinalFailure } = start(() =>
      ++calls < 2 ? Promise.reject(new TransientError('redis blip')) : Promise.resolve(),
    );
    const completed = new Promise((resolve) => events.once('completed', resolve));
    await enqueue(queues, 'graph', { planId });
    await completed;
    expect(calls).toBe(2);
    expect(onFinalFailure).not.toHaveBeenCalled();
    await worker.close();
  }, 15_000);

  it('refuses to enqueue a payload that breaks the catalog schema', async () => {
    await expect(enqueue(queues, 'generate', { planId, atomId: 'x', attempt: 0 })).rejects.toThrow(
      /refusing to enqueue an invalid generate job: atomId: .*\nattempt: /s,
    );
  });

  it('adds a job with the same id once (deterministic job ids)', async () => {
    await enqueue(queues, 'graph', { planId });
    await enqueue(queues, 'graph', { planId });
    expect(await queues.graph.count()).toBe(1);
  });
});
