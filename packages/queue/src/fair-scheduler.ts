import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { QueueName } from './catalog.js';
import { removeFinished, toJob } from './catalog-jobs.js';
import { closeRedis, connectRedis } from './connection.js';

/**
 * Fair sharing of a queue between tenants (BullMQ's groups are not open source). Jobs of a fair
 * queue are first held in per-tenant backlogs in Redis; a dispatcher moves them into the BullMQ
 * queue round-robin between tenants, one job per tenant per turn, only while
 * - BullMQ holds fewer than `maxWaiting` jobs no worker has taken yet (so a tenant arriving late
 *   waits behind at most that many jobs of others, not behind another tenant's whole plan), and
 * - the tenant has fewer than `tenantMaxInFlight` jobs dispatched and not finished, fleet-wide.
 * Each dispatched job carries a BullMQ priority equal to its tenant's jobs in flight, so among the
 * jobs waiting, workers take those of the least served tenant first: a tenant with a few jobs
 * does not wait behind the waiting jobs of a tenant with many.
 *
 * Keys (one hash tag with the queue's BullMQ keys, so one script sees both on Redis Cluster):
 * `<queue key>:fair:ring` (tenants with a backlog, rotated), `:q:<tenant>` (the backlog, job ids),
 * `:jobs` (job id -> tenant, payload, again: held and in-flight jobs), `:run:<tenant>` (in-flight
 * job ids scored by dispatch time), `:tenants` (tenants with jobs in flight).
 *
 * Crash safety: a held job is a Redis entry for a row Postgres marks `ready`, so if Redis loses it
 * the reconciler enqueues it again. A job taken from a backlog stays in its tenant's in-flight set
 * (with its payload) until a worker says it finished; the sweep checks entries older than
 * `staleMs` against BullMQ, adding a job that never reached it (the dispatcher died between its
 * script and `addBulk`) and releasing one that finished without saying so (died after the job).
 */
export interface FairScheduler {
  /** The queues whose jobs go through backlogs. */
  readonly queues: ReadonlySet<QueueName>;
  /**
   * Holds jobs in their tenants' backlogs (a job already held is not held twice) and dispatches
   * what may run. Returns the jobs already in flight: add those to BullMQ directly (BullMQ
   * ignores a duplicate id, and `again` replaces a finished one, as without fairness).
   */
  hold(queue: QueueName, jobs: readonly HeldJob[]): Promise<HeldJob[]>;
  /** Moves what may run from the backlogs into BullMQ (coalesced per queue and process). */
  dispatch(queue: QueueName): Promise<void>;
  /** A job finished for good (completed, cancelled or failed): frees its tenant's slot. */
  release(queue: QueueName, jobId: string): Promise<void>;
  /** Checks stale in-flight entries against BullMQ (see above). Returns how many it fixed. */
  sweep(queue: QueueName): Promise<number>;
  /** Dispatches every `pumpMs` and sweeps every `staleMs` while a worker of `queue` runs. */
  consume(queue: QueueName): () => void;
  /** Jobs held (not yet dispatched), per tenant. */
  held(queue: QueueName): Promise<Record<string, number>>;
  /** Jobs held (not yet dispatched) in all; undefined for a queue that is not fair. */
  heldTotal(queue: string): Promise<number | undefined>;
  /** Jobs of `tenant` dispatched and not finished. */
  inFlight(queue: QueueName, tenant: string): Promise<number>;
  /** Deletes every key of the queue's backlogs (tests). */
  clear(queue: QueueName): Promise<void>;
  close(): Promise<void>;
}

export interface HeldJob {
  tenant: string;
  payload: unknown;
  again?: boolean;
}

export interface FairSchedulerOptions {
  redisUrl: string;
  /** The BullMQ queues (jobs are added through them). */
  queues: { readonly [N in QueueName]: Queue };
  fairQueues: readonly QueueName[];
  /** Jobs of one tenant dispatched and not finished, fleet-wide, per queue; 0: no cap. */
  tenantMaxInFlight: number;
  /** Jobs waiting in BullMQ (not taken by a worker) above which nothing more is dispatched. */
  maxWaiting: number;
  /** In-flight entries older than this are checked against BullMQ. @defaultValue 60000 */
  staleMs?: number;
  /** Dispatch interval while consuming (the backstop; starts and finishes dispatch at once). @defaultValue 1000 */
  pumpMs?: number;
  logger?: Logger;
}

/** A tenant's name in keys: plans without a tenant share one. */
export const NO_TENANT = 'none';

const HOLD = `
local ring, jobs, base = KEYS[1], KEYS[2], ARGV[1]
local inflight = {}
for i = 2, #ARGV, 3 do
  local tenant, id, entry = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('ZSCORE', base .. ':run:' .. tenant, id) then
    inflight[#inflight + 1] = id
  elseif redis.call('HSETNX', jobs, id, entry) == 1 then
    if redis.call('RPUSH', base .. ':q:' .. tenant, id) == 1 then redis.call('RPUSH', ring, tenant) end
  elseif cjson.decode(entry).a == 1 then
    -- Held already; it must now replace a finished job of its id when dispatched.
    redis.call('HSET', jobs, id, entry)
  end
end
return inflight
`;

/**
 * KEYS: ring, jobs, BullMQ wait, prioritized, paused. ARGV: base, cap (0: none), max waiting,
 * batch. Round-robin: the ring's head gives one job and goes to the tail; a tenant at its cap is
 * skipped; stops when a whole turn of the ring gave nothing. Returns id, entry, the tenant's jobs
 * in flight with it, and so on for each job.
 */
const DISPATCH = `
local ring, jobs, base = KEYS[1], KEYS[2], ARGV[1]
local cap, maxWaiting, batch = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local waiting = redis.call('LLEN', KEYS[3]) + redis.call('ZCARD', KEYS[4]) + redis.call('LLEN', KEYS[5])
local room = math.min(maxWaiting - waiting, batch)
local out = {}
if room <= 0 then return out end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tenants = redis.call('LLEN', ring)
local idle = 0
while room > 0 and tenants > 0 and idle < tenants do
  local tenant = redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
  local run, q = base .. ':run:' .. tenant, base .. ':q:' .. tenant
  if cap > 0 and redis.call('ZCARD', run) >= cap then
    idle = idle + 1
  else
    local id = redis.call('LPOP', q)
    if id then
      redis.call('ZADD', run, now, id)
      redis.call('SADD', base .. ':tenants', tenant)
      out[#out + 1] = id
      out[#out + 1] = redis.call('HGET', jobs, id)
      out[#out + 1] = redis.call('ZCARD', run)
      room = room - 1
      idle = 0
    end
    if redis.call('LLEN', q) == 0 then
      redis.call('LREM', ring, 0, tenant)
      tenants = tenants - 1
    end
  end
end
return out
`;

/** KEYS: jobs. ARGV: base, id. Frees the slot of an in-flight job (a held one is left alone). */
const RELEASE = `
local jobs, base, id = KEYS[1], ARGV[1], ARGV[2]
local entry = redis.call('HGET', jobs, id)
if not entry then return 0 end
local tenant = cjson.decode(entry).t
local run = base .. ':run:' .. tenant
if redis.call('ZREM', run, id) == 0 then return 0 end
redis.call('HDEL', jobs, id)
if redis.call('ZCARD', run) == 0 then redis.call('SREM', base .. ':tenants', tenant) end
return 1
`;

type Scripts = {
  fairHold(...args: string[]): Promise<string[]>;
  fairDispatch(...args: (string | number)[]): Promise<(string | number)[]>;
  fairRelease(...args: string[]): Promise<number>;
};

interface Entry {
  t: string;
  p: unknown;
  a: 0 | 1;
}

const DISPATCH_BATCH = 500;
/** BullMQ's largest priority (lower runs first; jobs added without one run before all). */
const MAX_PRIORITY = 2_097_151;

export function createFairScheduler(options: FairSchedulerOptions): FairScheduler {
  const redis = connectRedis(options.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  }) as (Redis | Cluster) & Scripts;
  redis.defineCommand('fairHold', { numberOfKeys: 2, lua: HOLD });
  redis.defineCommand('fairDispatch', { numberOfKeys: 5, lua: DISPATCH });
  redis.defineCommand('fairRelease', { numberOfKeys: 1, lua: RELEASE });
  const staleMs = options.staleMs ?? 60_000;
  const pumpMs = options.pumpMs ?? 1_000;
  const fairQueues = new Set(options.fairQueues);
  const keys = (name: QueueName) => {
    const queue = options.queues[name];
    const base = `${queue.qualifiedName}:fair`;
    return { queue, base, ring: `${base}:ring`, jobs: `${base}:jobs` };
  };

  /** One dispatch script + addBulk. Returns how many jobs it moved. */
  async function dispatchOnce(name: QueueName): Promise<number> {
    const { queue, base, ring, jobs } = keys(name);
    const out = await redis.fairDispatch(
      ring,
      jobs,
      queue.keys.wait!,
      queue.keys.prioritized!,
      queue.keys.paused!,
      base,
      options.tenantMaxInFlight,
      options.maxWaiting,
      DISPATCH_BATCH,
    );
    const moved: { id: string; again: boolean; job: ReturnType<typeof toJob> }[] = [];
    for (let i = 0; i < out.length; i += 3) {
      const id = String(out[i]);
      const entry = JSON.parse(String(out[i + 1] ?? 'null')) as Entry | null;
      if (!entry) continue;
      const job = toJob(name, entry.p as never);
      // Least served first: a worker takes the job of the tenant with the fewest in flight.
      const priority = Math.min(MAX_PRIORITY, Number(out[i + 2]));
      moved.push({ id, again: entry.a === 1, job: { ...job, opts: { ...job.opts, priority } } });
    }
    const again = moved.filter((m) => m.again).map((m) => m.id);
    if (again.length > 0) await removeFinished(queue, again);
    if (moved.length > 0) await queue.addBulk(moved.map((m) => m.job));
    return moved.length;
  }

  const running = new Map<QueueName, Promise<void>>();
  const rerun = new Set<QueueName>();
  function dispatch(name: QueueName): Promise<void> {
    const current = running.get(name);
    if (current) {
      rerun.add(name);
      return current;
    }
    const loop = (async () => {
      for (;;) {
        rerun.delete(name);
        const moved = await dispatchOnce(name);
        if (moved < DISPATCH_BATCH && !rerun.has(name)) return;
      }
    })().finally(() => running.delete(name));
    running.set(name, loop);
    return loop;
  }

  async function release(name: QueueName, jobId: string): Promise<void> {
    const { base, jobs } = keys(name);
    await redis.fairRelease(jobs, base, jobId);
  }

  async function redisNow(): Promise<number> {
    const [seconds, micros] = await redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async function sweep(name: QueueName): Promise<number> {
    const { queue, base, jobs } = keys(name);
    const now = await redisNow();
    let fixed = 0;
    for (const tenant of await redis.smembers(`${base}:tenants`)) {
      const run = `${base}:run:${tenant}`;
      for (const id of await redis.zrangebyscore(run, '-inf', now - staleMs)) {
        const state = await queue.getJobState(id);
        if (state === 'completed' || state === 'failed') {
          await release(name, id);
          fixed += 1;
          continue;
        }
        if (state === 'unknown') {
          const entry = JSON.parse((await redis.hget(jobs, id)) ?? 'null') as Entry | null;
          if (entry) {
            const job = toJob(name, entry.p as never);
            await queue.add(job.name, job.data, job.opts);
            fixed += 1;
          } else await redis.zrem(run, id);
        }
        // Still waiting or running in BullMQ (or just re-added): look again after staleMs.
        await redis.zadd(run, 'XX', now, id);
      }
    }
    if (fixed > 0) options.logger?.warn({ queue: name, fixed }, 'fair scheduler swept stale jobs');
    return fixed;
  }

  const consumers = new Map<QueueName, number>();
  const timers: NodeJS.Timeout[] = [];
  let lastSweep = Date.now();
  function pump(): void {
    const sweeping = Date.now() - lastSweep >= staleMs;
    if (sweeping) lastSweep = Date.now();
    for (const name of consumers.keys()) {
      const work = async () => {
        if (sweeping) await sweep(name);
        await dispatch(name);
      };
      work().catch((err: unknown) =>
        options.logger?.warn({ err, queue: name }, 'fair dispatch failed; retrying'),
      );
    }
  }

  return {
    queues: fairQueues,
    async hold(name, held) {
      if (held.length === 0) return [];
      const { base, ring, jobs } = keys(name);
      const byId = new Map<string, HeldJob>();
      const args: string[] = [];
      for (const h of held) {
        const id = toJob(name, h.payload as never).opts.jobId;
        byId.set(id, h);
        const entry: Entry = { t: h.tenant, p: h.payload, a: h.again === true ? 1 : 0 };
        args.push(h.tenant, id, JSON.stringify(entry));
      }
      const inflight = await redis.fairHold(ring, jobs, base, ...args);
      await dispatch(name);
      return inflight.map((id) => byId.get(id)!);
    },
    dispatch,
    release,
    sweep,
    consume(name) {
      consumers.set(name, (consumers.get(name) ?? 0) + 1);
      if (timers.length === 0) timers.push(setInterval(pump, pumpMs).unref());
      return () => {
        const left = (consumers.get(name) ?? 1) - 1;
        if (left > 0) consumers.set(name, left);
        else consumers.delete(name);
        if (consumers.size === 0) for (const t of timers.splice(0)) clearInterval(t);
      };
    },
    async held(name) {
      const { base, ring } = keys(name);
      const result: Record<string, number> = {};
      for (const tenant of await redis.lrange(ring, 0, -1))
        result[tenant] = await redis.llen(`${base}:q:${tenant}`);
      return result;
    },
    async heldTotal(name) {
      if (!fairQueues.has(name as QueueName)) return undefined;
      const held = await this.held(name as QueueName);
      return Object.values(held).reduce((a, b) => a + b, 0);
    },
    async inFlight(name, tenant) {
      return redis.zcard(`${keys(name).base}:run:${tenant}`);
    },
    async clear(name) {
      const { base, ring, jobs } = keys(name);
      const tenants = new Set([
        ...(await redis.lrange(ring, 0, -1)),
        ...(await redis.smembers(`${base}:tenants`)),
      ]);
      for (const tenant of tenants) await redis.del(`${base}:q:${tenant}`, `${base}:run:${tenant}`);
      await redis.del(ring, jobs, `${base}:tenants`);
    },
    async close() {
      for (const t of timers.splice(0)) clearInterval(t);
      consumers.clear();
      await Promise.allSettled([...running.values()]);
      if (redis.status === 'wait') redis.disconnect();
      else await closeRedis(redis);
    },
  };
}
