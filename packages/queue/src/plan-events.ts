import { z } from 'zod';
import { ATOM_STATUSES, PLAN_STATUSES, TASK_STATUSES } from '@mge/core';
import { closeRedis, connectRedis, type RedisClient } from './connection.js';

const attempt = z.number().int().min(0);

/** Where a planner step is (see the `planner` event). */
export const PLANNER_STEP_STATUSES = [
  'queued',
  'started',
  'calling',
  'retrying',
  'done',
  'failed',
] as const;

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
  /**
   * A planner step (discovery, retrieval, skeleton, a milestone's tasks, validation, a repair
   * round), published on the discovery document's id during discovery and on the plan's id while
   * it is planned: `queued` (its job waits), `started`, `calling` (the model is asked, attempt N),
   * `retrying` (an answer was rejected; `message` is the feedback the next attempt carries),
   * `done` or `failed`.
   */
  z.object({
    type: z.literal('planner'),
    step: z.string(),
    status: z.enum(PLANNER_STEP_STATUSES),
    attempt: attempt.optional(),
    message: z.string().optional(),
  }),
  /**
   * A discovery document's status as stored (published on its id once the change is committed):
   * `ready` with the analysis, or `failed` with the reason.
   */
  z.object({
    type: z.literal('discovery'),
    status: z.enum(['analyzing', 'ready', 'failed']),
    error: z.string().optional(),
  }),
  /**
   * The requirements assistant's reply, published on the conversation's id as it is produced:
   * `delta` chunks in order, then one with `done` and the stored message's id.
   */
  z.object({
    type: z.literal('chat'),
    delta: z.string(),
    done: z.boolean(),
    messageId: z.string().optional(),
  }),
  /**
   * A conversation started planning: the discovery document made from it (and the plan, once
   * one is written from it).
   */
  z.object({
    type: z.literal('conversation'),
    status: z.enum(['gathering', 'asking', 'planning']),
    discoveryId: z.string().optional(),
    planId: z.string().optional(),
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
  /**
   * Appends events to the plan's stream with the next sequence numbers, adjacent; resolves once
   * they are in it, with the last sequence number of the script that carried them (the plan's
   * publishes of one turn of the event loop share one script).
   */
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
 * INCRBY and XADD in one script, so concurrent publishers across the fleet get contiguous sequence
 * numbers (one INCRBY reserves the batch's), and the stream id is the sequence number (resume =
 * XRANGE from `(<seq>-0`). PUBLISH wakes live readers without anyone polling. Sent as EVALSHA
 * (ioredis \`defineCommand\`: the script's text only when Redis does not have it yet).
 */
const PUBLISH_SCRIPT = `
local n = #ARGV - 3
local last = redis.call('INCRBY', KEYS[2], n)
for i = 1, n do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], (last - n + i) .. '-0', 'e', ARGV[i + 3])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], last)
return last
`;
const PUBLISH_COMMAND = 'mgePublishPlanEvents';
type Publishing = RedisClient & {
  [PUBLISH_COMMAND](...args: (string | number)[]): Promise<number | string>;
};

interface Batch {
  payloads: string[];
  /** The batch's last sequence number, once it is in the stream. */
  seq: Promise<number>;
}
const BATCH_MAX = 1000;

/**
 * Plan progress events in a Redis Stream per plan, with pub/sub notifications. Transient like all
 * Redis data: Postgres stays the truth, and a reader that finds a gap takes a fresh snapshot.
 */
export function createPlanEvents(
  redisUrl: string,
  prefix: string,
  { maxLength = 100_000, ttlSeconds = 3 * 24 * 3600 }: PlanEventsOptions = {},
): PlanEvents {
  // Hash tags keep a plan's keys in one cluster slot (the script touches both).
  const streamKey = (planId: string) => `${prefix}:plan-events:{${planId}}`;
  const seqKey = (planId: string) => `${prefix}:plan-events:{${planId}}:seq`;
  const channel = (planId: string) => `${prefix}:plan-events:${planId}`;
  // Publishing must never hold a job up for long when Redis is away: bounded retries and timeout.
  let client: Publishing | undefined;
  const commands = (): Publishing => {
    if (client) return client;
    const created = connectRedis(redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 5_000 });
    created.defineCommand(PUBLISH_COMMAND, { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    return (client = created as Publishing);
  };
  let subscriber: RedisClient | undefined;
  const listeners = new Map<string, Set<(seq: number) => void>>();
  const head = async (planId: string) => Number((await commands().get(seqKey(planId))) ?? 0);
  // Publishes of one plan in the same turn of the event loop (many jobs settle at once) go out
  // as one script, in call order: a caller's events stay adjacent and it resolves once they are
  // in the stream, so "publish, then enqueue" still holds for each caller.
  const batches = new Map<string, Batch>();

  return {
    head,
    async publish(planId, events) {
      if (events.length === 0) return head(planId);
      const at = new Date().toISOString();
      const payloads = events.map((e) => JSON.stringify({ at, ...planEventSchema.parse(e) }));
      let batch = batches.get(planId);
      if (!batch || batch.payloads.length >= BATCH_MAX) {
        const next: Batch = {
          payloads: [],
          // Sent once the callers of this turn of the event loop have joined.
          seq: new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
            if (batches.get(planId) === next) batches.delete(planId);
            const seq = await commands()[PUBLISH_COMMAND](
              streamKey(planId),
              seqKey(planId),
              maxLength,
              ttlSeconds,
              channel(planId),
              ...next.payloads,
            );
            return Number(seq);
          }),
        };
        batch = next;
        batches.set(planId, batch);
      }
      batch.payloads.push(...payloads);
      return batch.seq;
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
        subscriber = connectRedis(redisUrl, { maxRetriesPerRequest: null });
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
      await Promise.all([closeRedis(client), closeRedis(subscriber)]);
    },
  };
}
