import type { BatchRequest, GenerateRequest, LlmBatches } from '@mge/llm';
import { createLogger } from '@mge/telemetry';
import { createBatchAccumulator, type BatchAccumulatorOptions } from './batch-accumulator.js';

const request = (n: number): GenerateRequest => ({
  planId: 'plan',
  atomId: `atom-${n}`,
  file: 'a.ts',
  system: 'system',
  prompt: `prompt ${n}`,
  draftCode: 'x',
  complexity: 1,
  attempt: 1,
  model: 'claude-haiku-4-5',
  signal: new AbortController().signal,
});

/** The provider's batch API as far as the accumulator uses it: records what was created. */
function recordingBatches(fail?: Error) {
  const created: BatchRequest[][] = [];
  const batches: LlmBatches = {
    create: (requests) => {
      if (fail) return Promise.reject(fail);
      created.push([...requests]);
      return Promise.resolve({ id: `batch-${created.length}` });
    },
    retrieve: () => Promise.reject(new Error('not used')),
    results: () => {
      throw new Error('not used');
    },
  };
  return { created, batches };
}

function accumulator(
  overrides: Partial<BatchAccumulatorOptions> & Pick<BatchAccumulatorOptions, 'batches'>,
) {
  const submitted: { ids: readonly string[]; batchId: string }[] = [];
  const abandoned: (readonly string[])[] = [];
  const acc = createBatchAccumulator({
    maxRequests: 3,
    flushMs: 60_000,
    requestTimeoutMs: 1000,
    logger: createLogger({ level: 'silent', name: 'test' }),
    submitted: (ids, batchId) => {
      submitted.push({ ids, batchId });
      return Promise.resolve();
    },
    abandoned: (ids) => {
      abandoned.push(ids);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { acc, submitted, abandoned };
}

describe('the batch accumulator', () => {
  it('submits one batch as soon as maxRequests wait, and resolves after recording its id', async () => {
    const { created, batches } = recordingBatches();
    const { acc, submitted } = accumulator({ batches });
    await Promise.all([
      acc.add('a', request(1)),
      acc.add('b', request(2)),
      acc.add('c', request(3)),
    ]);
    expect(created).toHaveLength(1);
    expect(created[0]!.map((r) => r.customId)).toEqual(['a', 'b', 'c']);
    // The job's AbortSignal does not travel with the batch.
    expect(created[0]!.every((r) => r.request.signal === undefined)).toBe(true);
    expect(submitted).toEqual([{ ids: ['a', 'b', 'c'], batchId: 'batch-1' }]);
    await acc.close();
  });

  it('submits fewer requests once the oldest has waited flushMs', async () => {
    const { created, batches } = recordingBatches();
    const { acc, submitted } = accumulator({ batches, flushMs: 20 });
    await acc.add('a', request(1));
    expect(created.map((b) => b.length)).toEqual([1]);
    expect(submitted[0]!.batchId).toBe('batch-1');
    await acc.close();
  });

  it('forgets the reservations and fails every request when the batch cannot be created', async () => {
    const { batches } = recordingBatches(new Error('overloaded'));
    const { acc, abandoned, submitted } = accumulator({ batches, maxRequests: 2 });
    const results = await Promise.allSettled([acc.add('a', request(1)), acc.add('b', request(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(abandoned).toEqual([['a', 'b']]);
    expect(submitted).toEqual([]);
    await acc.close();
  });

  it('submits what waits when closed, then refuses new requests', async () => {
    const { created, batches } = recordingBatches();
    const { acc } = accumulator({ batches });
    const waiting = acc.add('a', request(1));
    await acc.close();
    await waiting;
    expect(created).toHaveLength(1);
    await expect(acc.add('b', request(2))).rejects.toThrow(/closed/);
  });

  it('leases a reservation for longer than a flush and a create call', () => {
    const { batches } = recordingBatches();
    const { acc } = accumulator({ batches, flushMs: 500, requestTimeoutMs: 2000 });
    expect(acc.leaseMs).toBeGreaterThan(2500);
  });
});
