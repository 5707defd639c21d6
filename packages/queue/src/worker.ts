import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { formatZodError, isRetryable, toError } from '@mge/core';
import { queueCatalog, type Payload, type QueueName } from './catalog.js';

export interface JobContext {
  job: Job;
  logger: Logger;
  /** Aborted when the worker is force-closed. */
  signal: AbortSignal;
}

export interface WorkerSettings<N extends QueueName> {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
  /** Called once when a job fails for good (permanent error or retries exhausted). */
  onFinalFailure?: (payload: Payload<N>, error: Error) => Promise<void>;
  /** Observes every outcome, e.g. for metrics. */
  onSettled?: (outcome: 'completed' | 'failed' | 'invalid', seconds: number) => void;
}

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
    async (job: Job) => {
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
        await handler(payload, { job, logger, signal: abort.signal });
        settings.onSettled?.('completed', (performance.now() - started) / 1000);
      } catch (thrown) {
        const error = toError(thrown);
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
      autorun: true,
    },
  );
  worker.on('error', (err) => settings.logger.error({ err, queue: name }, 'worker error'));
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    if (force) abort.abort();
    await close(force);
  };
  return worker;
}
