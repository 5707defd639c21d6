import { createTestDatabase, type TestDatabase } from '@test/services';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  batchRequestState,
  listSubmittedBatches,
  markBatchSubmitted,
  reserveBatchRequest,
  settleBatchRequest,
} from './llm-batches.js';

describe('batch requests in Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  const request = (promptHash: string) => ({
    tenantId: null,
    planId: randomUUID(),
    atomId: randomUUID(),
    attempt: 1,
    promptHash,
    model: 'claude-haiku-4-5',
  });

  it('lets one holder reserve a prompt until its lease runs out, then another takes it over', async () => {
    const { db } = database.handle;
    const first = await reserveBatchRequest(db, request('h1'), 60_000);
    expect(first).toBeDefined();
    // A second delivery of the same job (or the same prompt elsewhere) gets nothing.
    expect(await reserveBatchRequest(db, request('h1'), 60_000)).toBeUndefined();
    expect(await batchRequestState(db, 'h1', 'claude-haiku-4-5')).toBe('waiting');
    // The holder died: its lease ran out.
    await db.execute(
      sql`update llm_batch_requests set lease_until = now() - interval '1 second' where id = ${first!}`,
    );
    expect(await batchRequestState(db, 'h1', 'claude-haiku-4-5')).toBe('none');
    expect(await reserveBatchRequest(db, request('h1'), 60_000)).toBe(first);
  });

  it('never reserves a submitted prompt again, and settles each request once', async () => {
    const { db } = database.handle;
    const id = (await reserveBatchRequest(db, request('h2'), 1))!;
    await markBatchSubmitted(db, [id], 'msgbatch_1');
    // Submitted: waiting whatever the lease says, and not reservable.
    await db.execute(
      sql`update llm_batch_requests set lease_until = now() - interval '1 second' where id = ${id}`,
    );
    expect(await batchRequestState(db, 'h2', 'claude-haiku-4-5')).toBe('waiting');
    expect(await reserveBatchRequest(db, request('h2'), 60_000)).toBeUndefined();
    expect(await listSubmittedBatches(db)).toContain('msgbatch_1');

    const [a, b] = await Promise.all([
      settleBatchRequest(db, id, { state: 'answered' }),
      settleBatchRequest(db, id, { state: 'answered' }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await settleBatchRequest(db, id, { state: 'errored', error: 'late' })).toBeUndefined();
    expect(await listSubmittedBatches(db)).not.toContain('msgbatch_1');
    // Answered: the response cache holds it; the prompt may be reserved afresh (a new plan).
    expect(await batchRequestState(db, 'h2', 'claude-haiku-4-5')).toBe('none');
  });

  it('sends a prompt the batch did not answer to a direct call', async () => {
    const { db } = database.handle;
    const id = (await reserveBatchRequest(db, request('h3'), 60_000))!;
    await markBatchSubmitted(db, [id], 'msgbatch_2');
    await settleBatchRequest(db, id, { state: 'errored', error: 'expired' });
    expect(await batchRequestState(db, 'h3', 'claude-haiku-4-5')).toBe('errored');
  });
});
