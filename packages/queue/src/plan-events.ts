import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { ATOM_STATUSES, PLAN_STATUSES, TASK_STATUSES } from '@mge/core';

const attempt = z.number().int().min(0);

/** One change of a plan's progress, as live clients see it. */
export const planEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('plan'),
    status: z.enum(PLAN_STATUSES),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('atom'),
    atomId: z.string(),
    status: z.enum(ATOM_STATUSES),
    /** Attempts made so far, the running one included; absent when the publisher does not know. */
    attempt: attempt.optional(),
  }),
  z.object({
    type: z.literal('task'),
    taskId: z.string(),
    status: z.enum(TASK_STATUSES),
    attempt: attempt.optional(),
  }),
  /** One paid LLM call (a cached answer costs nothing and has no event). */
  z.object({
    type: z.literal('cost'),
    atomId: z.string().optional(),
    taskId: z.string().optional(),
    attempt: attempt.optional(),
    model: z.string(),
    dollars: z.number(),
    tokens: z.number().int(),
    simulated: z.boolean(),
    /**
     * The plan's totals including this call. A state, not a delta, so a client applies events
     * idempotently: keep the highest total seen (publishers across the fleet may interleave).
     */
    spentDollars: z.number(),
    spentTokens: z.number().int(),
  }),
]);
export type PlanEvent = z.infer<typeof planEventSchema>;

export interface PlanEventEntry {
  /** Per-plan sequence number: 1, 2, 3, ... with no gap (the stream id `<seq>-0`). */
  seq: number;
  /** When the publisher recorded it (ISO 8601). */
  at: string;
  /** Undefined when written by a newer version that this one cannot read. */
  event: PlanEvent | undefined;
}

export interface PlanEvents {
  /** Appends events to the plan's stream with the next sequence numbers; returns the last one. */
  publish(planId: string, events: readonly PlanEvent[]): Promise<number>;
  /** The plan's latest sequence number (0 when nothing was published or the stream expired). */
  head(planId: string): Promise<number>;
  /** Up to `count` entries with a sequence number above `seq`, oldest first. */
  readAfter(planId: string, seq: number, count?: number): Promise<PlanEventEntry[]>;
  /** Calls `notify` with the latest seq each time events are published for the plan; resolves once subscribed. */
  subscribe(planId: string, notify: (seq: number) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PlanEventsOptions {
  /** Approximate number of entries kept per plan (older ones are trimmed). @defaultValue 100000 */
  maxLength?: number;
  /** Seconds a plan's stream lives after its last event. @defaultValue 259200 (3 days) */
  ttlSeconds?: number;
}

/**
 * INCR and XADD in one script, so concurrent publishers across the fleet get contiguous sequence
 * numbers, and the stream id is the sequence number (resume = XRANGE from `(<seq>-0`). PUBLISH
 * wakes live readers without anyone polling.
 */
const PUBLISH_SCRIPT = `
local seq = 0
for i = 4, #ARGV do
  seq = redis.call('INCR', KEYS[2])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], seq .. '-0', 'e', ARGV[i])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], seq)
return seq
`;

/**
 * Plan progress events in a Redis Stream per plan, with pub/sub notifications. Transient like all
 * Redis data: Postgres stays the truth, and a reader that finds a gap takes a fresh snapshot.
 */
export function createPlanEvents(
  connection: RedisOptions,
  prefix: string,
  { maxLength = 100_000, ttlSeconds = 3 * 24 * 3600 }: PlanEventsOptions = {},
): PlanEvents {
  // Hash tags keep a plan's keys in one cluster slot (the script touches both).
  const streamKey = (planId: string) => `${prefix}:plan-events:{${planId}}`;
  const seqKey = (planId: string) => `${prefix}:plan-events:{${planId}}:seq`;
  const channel = (planId: string) => `${prefix}:plan-events:${planId}`;
  // Publishing must never hold a job up for long when Redis is away: bounded retries and timeout.
  let client: Redis | undefined;
  const commands = () =>
    (client ??= new Redis({ ...connection, maxRetriesPerRequest: 1, commandTimeout: 5_000 }));
  let subscriber: Redis | undefined;
  const listeners = new Map<string, Set<(seq: number) => void>>();
  const head = async (planId: string) => Number((await commands().get(seqKey(planId))) ?? 0);

  return {
    head,
    async publish(planId, events) {
      if (events.length === 0) return head(planId);
      const at = new Date().toISOString();
      const payloads = events.map((e) => JSON.stringify({ at, ...planEventSchema.parse(e) }));
      const seq = await commands().eval(
        PUBLISH_SCRIPT,
        2,
        streamKey(planId),
        seqKey(planId),
        maxLength,
        ttlSeconds,
        channel(planId),
        ...payloads,
      );
      return Number(seq);
    },
    async readAfter(planId, seq, count = 500) {
      const rows = await commands().xrange(streamKey(planId), `(${seq}-0`, '+', 'COUNT', count);
      return rows.map(([id, fields]) => {
        const { at, ...rest } = JSON.parse(fields[1] ?? '{}') as { at?: string };
        const parsed = planEventSchema.safeParse(rest);
        return {
          seq: Number(id.split('-')[0]),
          at: at ?? '',
          event: parsed.success ? parsed.data : undefined,
        };
      });
    },
    async subscribe(planId, notify) {
      if (!subscriber) {
        subscriber = new Redis({ ...connection, maxRetriesPerRequest: null });
        subscriber.on('message', (received: string, message: string) => {
          for (const listener of listeners.get(received) ?? []) listener(Number(message));
        });
      }
      const name = channel(planId);
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(notify);
      if (set.size === 1) await subscriber.subscribe(name);
      return async () => {
        set.delete(notify);
        if (set.size > 0 || listeners.get(name) !== set) return;
        listeners.delete(name);
        await subscriber?.unsubscribe(name);
      };
    },
    async close() {
      listeners.clear();
      await Promise.all([client?.quit(), subscriber?.quit()]);
    },
  };
}
