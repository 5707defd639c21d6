import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '@mge/config';
import { HttpError } from '../http-errors.js';

/** A refused attempt: 429 with `Retry-After`. */
function tooManyAttempts(seconds: number): HttpError {
  return new HttpError(429, 'too_many_attempts', `too many attempts: try again in ${seconds} s`, {
    'Retry-After': String(seconds),
  });
}

/**
 * Sign-in and reset attempts, counted fleet-wide in Redis per account (email) and per IP address:
 * `rateLimit` of each in `rateWindowSeconds`.
 */
export class AttemptLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis | Cluster,
    config: Pick<Config, 'auth'> & { queuePrefix: string },
    kind: string,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.queuePrefix}:auth-attempts:${kind}`,
      points: config.auth.rateLimit,
      duration: config.auth.rateWindowSeconds,
    });
  }

  /** Counts one attempt for the email and the IP; throws a 429 HttpError past the limit. */
  async attempt(email: string, ip: string): Promise<void> {
    try {
      await Promise.all([
        this.limiter.consume(`email:${email.trim().toLowerCase()}`),
        this.limiter.consume(`ip:${ip}`),
      ]);
    } catch (refused) {
      if (refused instanceof RateLimiterRes)
        throw tooManyAttempts(Math.max(1, Math.ceil(refused.msBeforeNext / 1000)));
      throw refused;
    }
  }

  /** Forgets an account's attempts (after it signs in). */
  async succeeded(email: string): Promise<void> {
    await this.limiter.delete(`email:${email.trim().toLowerCase()}`);
  }
}
