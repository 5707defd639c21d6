import type { Cluster, Redis } from 'ioredis';
import { closeRedis, connectRedis } from './connection.js';

/** What one call takes from a model's budget. */
export interface LlmSpend {
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** Limits per window; a missing one is not limited. */
export interface LlmLimits {
  requests?: number | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

export type Reservation = { granted: true } | { granted: false; waitMs: number };

export interface LlmBudget {
  /** Takes `spend` from the model's window if it fits entirely, else says how long to wait. */
  reserve(model: string, id: string, spend: LlmSpend, limits: LlmLimits): Promise<Reservation>;
  /** Replaces the reservation `id` with what the call really spent, counted from now. */
  settle(model: string, id: string, spend: LlmSpend): Promise<void>;
  /** What the model's window holds now (for tests and metrics). */
  used(model: string): Promise<LlmSpend>;
  close(): Promise<void>;
}

/**
 * Drops entries older than the window and subtracts them from the totals. An entry is
 * `id -> "requests:input:output"` in a hash, its time the score in a sorted set; the totals hash
 * holds the window's sums, so every call is O(expired entries), not O(window).
 */
const EXPIRE = `
local log, totals, amounts = KEYS[1], KEYS[2], KEYS[3]
local window = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function forget(id)
  local a = redis.call('HGET', amounts, id)
  if not a then return end
  local r, i, o = string.match(a, '(%d+):(%d+):(%d+)')
  -- 0 - n, not -n: Lua's -0 would reach Redis as "-0", which HINCRBY rejects.
  redis.call('HINCRBY', totals, 'r', 0 - tonumber(r))
  redis.call('HINCRBY', totals, 'i', 0 - tonumber(i))
  redis.call('HINCRBY', totals, 'o', 0 - tonumber(o))
  redis.call('HDEL', amounts, id)
  redis.call('ZREM', log, id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', log, '-inf', now - window)) do forget(id) end
local function total(field) return tonumber(redis.call('HGET', totals, field) or '0') end
local function record(id, r, i, o)
  redis.call('ZADD', log, now, id)
  redis.call('HSET', amounts, id, r .. ':' .. i .. ':' .. o)
  redis.call('HINCRBY', totals, 'r', r)
  redis.call('HINCRBY', totals, 'i', i)
  redis.call('HINCRBY', totals, 'o', o)
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, window * 2) end
end
`;

/**
 * ARGV: window, id, requests, input, output, then limits (-1: none) in the same order. A call
 * larger than a whole window's limit is counted as the limit, so it passes when the window is empty.
 */
const RESERVE = `${EXPIRE}
local want = { tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]) }
local have = { total('r'), total('i'), total('o') }
for k = 1, 3 do
  local cap = tonumber(ARGV[5 + k])
  if cap >= 0 then want[k] = math.min(want[k], cap) end
  if cap >= 0 and have[k] + want[k] > cap then
    local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
    if #oldest == 0 then return 1 end
    return math.max(1, tonumber(oldest[2]) + window - now + 1)
  end
end
record(ARGV[2], want[1], want[2], want[3])
return 0
`;

/** ARGV: window, id, requests, input, output. */
const SETTLE = `${EXPIRE}
forget(ARGV[2])
record(ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
return 0
`;

const USED = `${EXPIRE}
return { total('r'), total('i'), total('o') }
`;

type Scripts = {
  llmReserve(...args: (string | number)[]): Promise<number>;
  llmSettle(...args: (string | number)[]): Promise<number>;
  llmUsed(...args: (string | number)[]): Promise<number[]>;
};

/**
 * One budget per model for the whole fleet: a sliding-window log in Redis, updated atomically by
 * Lua with Redis's clock. The keys of a model share a hash tag, so it works on Redis Cluster. A
 * reservation that does not fit is refused whole, with the time until the oldest entry leaves the
 * window; a settled call is re-stamped at settle time, so the window counts it at least as long
 * as the provider does (it counted it somewhere between the reservation and the answer).
 */
export function createLlmBudget(redisUrl: string, prefix: string, windowMs: number): LlmBudget {
  // Connects on first use: processes that never call the LLM never open it. Bounded retries: a
  // budget that cannot be read must not hold a call up for long.
  const redis = connectRedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }) as (
    Redis | Cluster
  ) &
    Scripts;
  redis.defineCommand('llmReserve', { numberOfKeys: 3, lua: RESERVE });
  redis.defineCommand('llmSettle', { numberOfKeys: 3, lua: SETTLE });
  redis.defineCommand('llmUsed', { numberOfKeys: 3, lua: USED });
  const keys = (model: string) => {
    const base = `${prefix}:llm-limit:{${model}}`;
    return [`${base}:log`, `${base}:totals`, `${base}:amounts`];
  };
  const amounts = (s: LlmSpend) => [s.requests, s.inputTokens, s.outputTokens].map(Math.ceil);
  return {
    async reserve(model, id, spend, limits) {
      const caps = [limits.requests, limits.inputTokens, limits.outputTokens].map((l) => l ?? -1);
      const waitMs = await redis.llmReserve(
        ...keys(model),
        windowMs,
        id,
        ...amounts(spend),
        ...caps,
      );
      return waitMs === 0 ? { granted: true } : { granted: false, waitMs };
    },
    async settle(model, id, spend) {
      await redis.llmSettle(...keys(model), windowMs, id, ...amounts(spend));
    },
    async used(model) {
      const [requests = 0, inputTokens = 0, outputTokens = 0] = await redis.llmUsed(
        ...keys(model),
        windowMs,
      );
      return { requests, inputTokens, outputTokens };
    },
    async close() {
      if (redis.status === 'wait') redis.disconnect();
      else await closeRedis(redis);
    },
  };
}
