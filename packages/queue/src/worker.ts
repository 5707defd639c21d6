import { UnrecoverableError, WaitingError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { formatZodError, isRetryable, RateLimitedError, toError } from '@mge/core';
import { queueCatalog, type Payload, type QueueName } from './catalog.js';

export interface JobContext {
  job: Job;
  logger: Logger;
  /** Aborted when the worker is force-closed: stop, the job is released to another replica. */
  signal: AbortSignal;
}

export interface WorkerSettings<N extends QueueName> {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
  /** Called once when a job fails for good (permanent error or retries exhausted). */
  onFinalFailure?: (payload: Payload<N>, error: Error) => Promise<void>;
  /**
   * Queue-wide pause for rate limits: a RateLimitedError pauses the whole queue (every replica)
   * for its `retryAfterMs` and puts the job back without spending an attempt.
   */
  rateLimiter?: { rateLimit(ms: number): Promise<void> };
  /** Lock duration and stalled-check interval: how soon a dead worker's jobs move on. */
  lockMs?: number;
  /** BullMQ's fleet-wide limiter: at most `max` jobs per `duration` ms across all workers. */
  limiter?: { max: number; duration: number } | undefined;
  /** Observes every outcome, e.g. for metrics. */
  onSettled?: (outcome: 'completed' | 'failed' | 'invalid' | 'released', seconds: number) => void;
}

/** How long a forced close waits for aborted handlers to release their jobs. */
const RELEASE_GRACE_MS = 5_000;

/**
 * The one worker wrapper: validates the payload against the catalog (a schema failure is
 * permanent), scopes the logger to the job, and maps non-retryable errors to BullMQ's
 * UnrecoverableError. No other code imports BullMQ's error classes.
 */
export function createWorker<N extends QueueName>(
  name: N,
  handler: (payload: Payload<N>, context: JobContext) => Promise<void>,
  settings: WorkerSettings<N>,
): Worker {
  const schema = queueCatalog[name].schema;
  const abort = new AbortController();
  const worker = new Worker(
    name,
    async (job: Job, token?: string, cancel?: AbortSignal) => {
      const started = performance.now();
      const logger = settings.logger.child({
        queue: name,
        jobId: job.id,
        attemptsMade: job.attemptsMade,
      });
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) {
        const reason = `invalid ${name} payload: ${formatZodError(parsed.error)}`;
        logger.error({ reason }, 'job payload failed validation');
        settings.onSettled?.('invalid', (performance.now() - started) / 1000);
        throw new UnrecoverableError(reason);
      }
      const payload = parsed.data as Payload<N>;
      try {
        // Aborted on forced shutdown or when the job is cancelled (worker.cancelJob).
        const signal = cancel ? AbortSignal.any([abort.signal, cancel]) : abort.signal;
        await handler(payload, { job, logger, signal });
        settings.onSettled?.('completed', (performance.now() - started) / 1000);
      } catch (thrown) {
        if (cancel?.aborted && !abort.signal.aborted) {
          // Cancelled on purpose (its plan was cancelled): nothing to retry.
          logger.info('job cancelled');
          settings.onSettled?.('completed', (performance.now() - started) / 1000);
          return;
        }
        if (abort.signal.aborted) {
          // Shutdown passed its deadline and aborted this job: put it back in the queue (same job
          // id, attempts not counted) for another replica instead of failing it. WaitingError
          // tells BullMQ the job was moved on purpose, so it does not try to fail it.
          await job.moveToWait(token);
          logger.warn('released to the queue at shutdown');
          settings.onSettled?.('released', (performance.now() - started) / 1000);
          throw new WaitingError();
        }
        const error = toError(thrown);
        if (error instanceof RateLimitedError && settings.rateLimiter) {
          logger.warn({ retryAfterMs: error.retryAfterMs }, 'rate limited: pausing the queue');
          await settings.rateLimiter.rateLimit(error.retryAfterMs);
          throw Worker.RateLimitError();
        }
        const retryable = isRetryable(error);
        const final = !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        logger[final ? 'error' : 'warn']({ err: error, retryable, final }, 'job failed');
        settings.onSettled?.('failed', (performance.now() - started) / 1000);
        if (final && settings.onFinalFailure) {
          await settings.onFinalFailure(payload, error).catch((hookError: unknown) => {
            logger.error({ err: toError(hookError) }, 'recording the final failure failed');
          });
        }
        if (!retryable) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection: settings.connection,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      ...(settings.limiter ? { limiter: settings.limiter } : {}),
      ...(settings.lockMs
        ? { lockDuration: settings.lockMs, stalledInterval: settings.lockMs }
        : {}),
      autorun: true,
    },
  );
  worker.on('error', (err) => settings.logger.error({ err, queue: name }, 'worker error'));
  const close = worker.close.bind(worker);
  let closing: Promise<void> | undefined;
  worker.close = async (force?: boolean) => {
    if (!force) return (closing ??= close());
    // Forced: abort in-flight handlers; each one releases its job as it unwinds (above), which
    // needs the connection, so the graceful close (already waiting for them) finishes the job.
    // A handler that ignores the signal is left to BullMQ's stalled-job check after a grace.
    abort.abort();
    closing ??= close();
    const settled = await Promise.race([
      closing.then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, RELEASE_GRACE_MS, false).unref()),
    ]);
    if (!settled) await worker.disconnect();
  };
  return worker;
}
