import { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@test/services';
import { createPlanEvents, type PlanEvent, type PlanEvents } from './plan-events.js';

const planId = '22222222-2222-4222-8222-222222222222';
const atom = (n: number): PlanEvent => ({
  type: 'atom',
  atomId: `atom-${n}`,
  status: 'running',
  attempt: 1,
});

describe('createPlanEvents', () => {
  let prefix: string;
  const opened: PlanEvents[] = [];
  const open = (options = {}) => {
    const events = createPlanEvents(TEST_REDIS_URL, prefix, { ttlSeconds: 60, ...options });
    opened.push(events);
    return events;
  };

  beforeEach(() => {
    prefix = uniqueQueuePrefix();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((e) => e.close()));
  });

  it('gives concurrent publishers on separate connections contiguous sequence numbers', async () => {
    const publishers = [open(), open(), open(), open()];
    await Promise.all(
      publishers.flatMap((p, i) =>
        Array.from({ length: 25 }, (_, j) => p.publish(planId, [atom(i * 100 + j), atom(-1)])),
      ),
    );
    const reader = open();
    expect(await reader.head(planId)).toBe(200);
    const entries = [
      ...(await reader.readAfter(planId, 0, 150)),
      ...(await reader.readAfter(planId, 150, 150)),
    ];
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // A batch stays together: each publish's two events are adjacent.
    for (let i = 0; i < 200; i += 2) expect(entries[i + 1]?.event).toEqual(atom(-1));
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it("sends one plan's publishes of one event-loop turn as one script, in call order", async () => {
    const events = open();
    // monitor() opens a connection of its own: the client it came from must be closed too.
    const client = new Redis(TEST_REDIS_URL);
    const monitor = await client.monitor();
    // EVALSHA, and EVAL with the same arguments the first time (Redis did not have the script).
    const scripts = new Set<string>();
    monitor.on('monitor', (_time: string, args: string[]) => {
      const command = args[0]?.toLowerCase();
      if (
        (command === 'eval' || command === 'evalsha') &&
        args.includes(`${prefix}:plan-events:${planId}`)
      )
        scripts.add(args.slice(7).join(' '));
    });
    try {
      const seqs = await Promise.all([
        events.publish(planId, [atom(1)]),
        events.publish(planId, [atom(2), atom(3)]),
        events.publish(planId, [atom(4)]),
      ]);
      expect(seqs).toEqual([4, 4, 4]);
      expect((await events.readAfter(planId, 0)).map((e) => e.event)).toEqual(
        [1, 2, 3, 4].map(atom),
      );
      // A later turn is a later script.
      expect(await events.publish(planId, [atom(5)])).toBe(5);
      await waitFor(() => Promise.resolve(scripts.size >= 2 ? true : undefined), 'the scripts');
      expect(scripts.size).toBe(2);
    } finally {
      monitor.disconnect();
      client.disconnect();
    }
  });

  it('reads strictly after the given seq and returns nothing past the head', async () => {
    const events = open();
    expect(await events.publish(planId, [atom(1), atom(2), atom(3)])).toBe(3);
    expect((await events.readAfter(planId, 1)).map((e) => e.seq)).toEqual([2, 3]);
    expect(await events.readAfter(planId, 3)).toEqual([]);
    expect(await events.readAfter('33333333-3333-4333-8333-333333333333', 0)).toEqual([]);
  });

  it('notifies subscribers of the plan with the latest seq, and stops after unsubscribing', async () => {
    const publisher = open();
    const subscriber = open();
    const seen: number[] = [];
    const unsubscribe = await subscriber.subscribe(planId, (seq) => seen.push(seq));
    await publisher.publish(planId, [atom(1), atom(2)]);
    await waitFor(
      () => Promise.resolve(seen.length > 0 ? true : undefined),
      'a notification',
      5_000,
    );
    expect(seen).toEqual([2]);
    await unsubscribe();
    await publisher.publish(planId, [atom(3)]);
    // A later subscriber on the same connection proves the message went by unheard.
    const later: number[] = [];
    await subscriber.subscribe(planId, (seq) => later.push(seq));
    await publisher.publish(planId, [atom(4)]);
    await waitFor(
      () => Promise.resolve(later.length > 0 ? true : undefined),
      'a notification',
      5_000,
    );
    expect(seen).toEqual([2]);
    expect(later).toEqual([4]);
  });

  it('trims old entries beyond the cap and expires the plan’s keys', async () => {
    const events = open({ maxLength: 10, ttlSeconds: 60 });
    for (let i = 0; i < 30; i++) await events.publish(planId, [atom(i), atom(i), atom(i)]);
    const left = await events.readAfter(planId, 0, 1000);
    expect(left.length).toBeLessThan(90);
    expect(left.at(-1)?.seq).toBe(90);
    expect(await events.head(planId)).toBe(90);
    const redis = new Redis(TEST_REDIS_URL);
    const ttls = await Promise.all(
      [`${prefix}:plan-events:{${planId}}`, `${prefix}:plan-events:{${planId}}:seq`].map((k) =>
        redis.ttl(k),
      ),
    );
    await redis.quit();
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(50);
  });

  it('refuses an event that does not match the schema', async () => {
    const events = open();
    await expect(
      events.publish(planId, [{ type: 'atom', atomId: 'a', status: 'exploded' } as never]),
    ).rejects.toThrow();
    expect(await events.head(planId)).toBe(0);
  });
});
