import { Worker } from 'bullmq';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@test/services';
import { producerConnection, workerConnection } from './connection.js';
import { closeQueues, createQueues, enqueueAll, type Queues } from './producer.js';

const planId = '11111111-1111-4111-8111-111111111111';
const atomA = '22222222-2222-4222-8222-222222222222';
const atomB = '33333333-3333-4333-8333-333333333333';

describe('enqueueAll', () => {
  let queues: Queues;
  let prefix: string;

  beforeEach(() => {
    prefix = uniqueQueuePrefix();
    queues = createQueues({ connection: producerConnection(TEST_REDIS_URL), prefix });
  });
  afterEach(async () => {
    await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
    await closeQueues(queues);
  });

  it('adds jobs of several queues under their catalog ids and options', async () => {
    await enqueueAll(queues, [
      { queue: 'generate', payload: { planId, atomId: atomA, attempt: 1 } },
      { queue: 'validate', payload: { planId, round: 2 } },
      { queue: 'generate', payload: { planId, atomId: atomB, attempt: 3 } },
    ]);
    const generate = await queues.generate.getJobs(['wait']);
    expect(generate.map((j) => j.id).sort()).toEqual([`atom:${atomA}:1`, `atom:${atomB}:3`]);
    expect(generate[0]?.opts.attempts).toBe(5);
    expect((await queues.validate.getJob(`validate:${planId}:2`))?.data).toEqual({
      planId,
      round: 2,
    });
  });

  it('adds nothing when any payload is invalid', async () => {
    await expect(
      enqueueAll(queues, [
        { queue: 'graph', payload: { planId } },
        { queue: 'generate', payload: { planId, atomId: atomA, attempt: 0 } },
      ]),
    ).rejects.toThrow(/refusing to enqueue an invalid generate job: attempt/);
    expect(await queues.graph.count()).toBe(0);
    expect(await queues.generate.count()).toBe(0);
  });

  it('adds a finished job again only when asked to', async () => {
    const payload = { planId, atomId: atomA, attempt: 1 };
    const id = `atom:${atomA}:1`;
    await enqueueAll(queues, [{ queue: 'generate', payload }]);
    const worker = new Worker('generate', () => Promise.resolve(), {
      connection: workerConnection(TEST_REDIS_URL),
      prefix,
    });
    await waitFor(
      async () => (await queues.generate.getJobState(id)) === 'completed',
      'the job to complete',
    );
    await worker.close();

    await enqueueAll(queues, [{ queue: 'generate', payload }]);
    expect(await queues.generate.getJobState(id)).toBe('completed');
    await enqueueAll(queues, [{ queue: 'generate', payload, again: true }]);
    expect(await queues.generate.getJobState(id)).toBe('waiting');
  });
});
