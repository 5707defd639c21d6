import { closeRedis, connectRedis, type RedisClient } from './connection.js';

export interface PlanSignals {
  /** Tells every process of the fleet that a plan was cancelled. */
  publishCancel(planId: string): Promise<void>;
  /** Calls `handler` with the id of each plan cancelled anywhere in the fleet. */
  onCancel(handler: (planId: string) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fleet-wide plan signals over Redis pub/sub (transient by nature: a process that misses a cancel
 * still finds the plan `cancelled` in Postgres before its next call).
 */
export function createPlanSignals(redisUrl: string, prefix: string): PlanSignals {
  const channel = `${prefix}:plan-cancel`;
  let publisher: RedisClient | undefined;
  let subscriber: RedisClient | undefined;
  return {
    async publishCancel(planId) {
      publisher ??= connectRedis(redisUrl);
      await publisher.publish(channel, planId);
    },
    async onCancel(handler) {
      subscriber ??= connectRedis(redisUrl, { maxRetriesPerRequest: null });
      subscriber.on('message', (received: string, planId: string) => {
        if (received === channel) handler(planId);
      });
      await subscriber.subscribe(channel);
    },
    async close() {
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}
