import {
  UnrecoverableError,
  WaitingError,
  Worker,
  type ConnectionOptions,
  type Job,
  type Queue,
} from 'bullmq';
import type { Logger } from 'pino';
import { formatZodError, isRetryable, RateLimitedError, toError } from '@mge/core';
import { queueCatalog, type Payload, type QueueName } from './catalog.js';
import { queueKeyPrefix } from './connection.js';
import type { FairScheduler } from './fair-scheduler.js';

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
  /**
   * The queue's jobs are dispatched fairly between tenants: a job taken makes room for the next
   * dispatch; a job that finished for good frees its tenant's slot.
   */
  fair?: FairScheduler | undefined;
  /** Observes every outcome, e.g. for metrics. */
  onSettled?: (outcome: 'completed' | 'failed' | 'invalid' | 'released', seconds: number) => void;
  /**
   * Watches for a wedged worker: free slots here, yet the queue's oldest waiting job has not
   * moved for `stuckAfterMs`. BullMQ's blocking connection can hang for good after a Redis
   * Cluster failover (taskforcesh/bullmq#4138); the worker is then replaced by a fresh one.
   */
  watch?: { queue: Queue; stuckAfterMs: number } | undefined;
}

/** A queue's worker in this process; survives the replacement of a wedged BullMQ worker. */
export interface QueueWorker {
  readonly queue: QueueName;
  /** Jobs this process may run at once for the queue (adjustable while running). */
  concurrency: number;
  /** Jobs this process is running for the queue now. */
  readonly active: number;
  /** Aborts one in-flight job's handler (its plan was cancelled); false if it is not here. */
  cancelJob(jobId: string, reason?: string): boolean;
  /** Waits for in-flight jobs; forced: aborts them and releases them to the queue. */
  close(force?: boolean): Promise<void>;
}

/** How long a forced close waits for aborted handlers to release their jobs. */
const RELEASE_GRACE_MS = 5_000;

/** True when `promise` settles within `ms`. */
const within = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => setTimeout(resolve, ms, false).unref()),
  ]);

/**
 * Disconnects BullMQ's dedicated blocking client (on a cluster, its own duplicate of the shared
 * client) without waiting: stops its reconnect timers so a wedged worker leaves nothing behind.
 * BullMQ exposes the connection but not a bounded way to close it.
 */
function dropBlockingClient(worker: Worker): void {
  const backend = worker.backend as unknown as {
    blockingConnection?: { _client?: { disconnect(): void } };
  };
  backend.blockingConnection?._client?.disconnect();
}

/**
 * Stops a worker's own timers. BullMQ's close stops the lock renewal only after the jobs in
 * hand finish, so a close abandoned for a wedged connection would leave the renewal timer
 * re-arming itself for good (it held a test run open after a cluster failover).
 */
function stopTimers(worker: Worker): void {
  const internals = worker as unknown as {
    lockManager?: { close(): Promise<void> };
    stalledCheckStopper?: () => void;
  };
  void internals.lockManager?.close();
  internals.stalledCheckStopper?.();
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
): QueueWorker {
  const schema = queueCatalog[name].schema;
  let active = 0;
  let concurrency = settings.concurrency;
  const fair = settings.fair?.queues.has(name) ? settings.fair : undefined;
  const fairWarn = (err: unknown) =>
    settings.logger.warn({ err, queue: name }, 'fair dispatch failed; the pump retries');
  /** The job left for good: free its tenant's slot and let the next one in. */
  const finished = async (job: Job) => {
    if (!fair || job.id === undefined) return;
    await fair.release(name, job.id).catch(fairWarn);
    fair.dispatch(name).catch(fairWarn);
  };

  /** The job processor of one BullMQ worker; `abort` is that worker's forced shutdown. */
  const processor =
    (abort: AbortController) => async (job: Job, token?: string, cancel?: AbortSignal) => {
      const started = performance.now();
      // This job left BullMQ's wait list: there is room to dispatch another.
      fair?.dispatch(name).catch(fairWarn);
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
        await finished(job);
        throw new UnrecoverableError(reason);
      }
      const payload = parsed.data as Payload<N>;
      active++;
      try {
        // Aborted on forced shutdown or when the job is cancelled (worker.cancelJob).
        const signal = cancel ? AbortSignal.any([abort.signal, cancel]) : abort.signal;
        await handler(payload, { job, logger, signal });
        settings.onSettled?.('completed', (performance.now() - started) / 1000);
        await finished(job);
      } catch (thrown) {
        if (cancel?.aborted && !abort.signal.aborted) {
          // Cancelled on purpose (its plan was cancelled): nothing to retry.
          logger.info('job cancelled');
          settings.onSettled?.('completed', (performance.now() - started) / 1000);
          await finished(job);
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
        if (final) await finished(job);
        if (!retryable) throw new UnrecoverableError(error.message);
        throw error;
      } finally {
        active--;
      }
    };

  interface Running {
    worker: Worker;
    abort: AbortController;
    closing?: Promise<void>;
  }
  const spawn = (): Running => {
    const abort = new AbortController();
    const worker = new Worker(name, processor(abort), {
      connection: settings.connection,
      prefix: queueKeyPrefix(settings.prefix, name, settings.connection),
      concurrency,
      ...(settings.limiter ? { limiter: settings.limiter } : {}),
      ...(settings.lockMs
        ? { lockDuration: settings.lockMs, stalledInterval: settings.lockMs }
        : {}),
      autorun: true,
    });
    worker.on('error', (err) => settings.logger.error({ err, queue: name }, 'worker error'));
    return { worker, abort };
  };
  const close = (running: Running) => (running.closing ??= running.worker.close());
  /**
   * Forced: abort in-flight handlers; each one releases its job as it unwinds (above), which
   * needs the connection, so the graceful close (already waiting for them) finishes the job.
   * A handler that ignores the signal is left to BullMQ's stalled-job check after a grace.
   */
  const forceClose = async (running: Running) => {
    running.abort.abort();
    if (await within(close(running), RELEASE_GRACE_MS)) return;
    // Still not closed: a wedged blocking connection can keep both close and disconnect waiting
    // for good (they wait for its `end`), so drop it without waiting, then the rest, bounded.
    dropBlockingClient(running.worker);
    stopTimers(running.worker);
    await within(running.worker.disconnect(), RELEASE_GRACE_MS);
  };

  let current = spawn();
  const stopPump = fair?.consume(name);
  const retired = new Set<Running>();
  /** Swaps in a fresh worker; the wedged one finishes what it holds, then is dropped. */
  const replace = (reason: Record<string, unknown>) => {
    settings.logger.warn({ queue: name, ...reason }, 'worker wedged: replacing it');
    const old = current;
    current = spawn();
    retired.add(old);
    const grace = (settings.lockMs ?? 30_000) * 2;
    void within(close(old), grace)
      .then(() => forceClose(old))
      .catch((err: unknown) =>
        settings.logger.warn({ err, queue: name }, 'closing a wedged worker'),
      )
      .finally(() => retired.delete(old));
  };
  const watch = settings.watch && settings.watch.stuckAfterMs > 0 ? settings.watch : undefined;
  let suspect: { jobId: string; since: number } | undefined;
  const check = async (queue: Queue, stuckAfterMs: number) => {
    const [oldest] = await queue.getJobs(['wait', 'prioritized'], 0, 0, true);
    const jobId = oldest?.id;
    const idle =
      jobId !== undefined &&
      active < concurrency &&
      !(await queue.isPaused()) &&
      (await queue.getRateLimitTtl()) <= 0;
    if (!idle) return void (suspect = undefined);
    if (suspect?.jobId !== jobId) return void (suspect = { jobId, since: Date.now() });
    const waitedMs = Date.now() - suspect.since;
    if (waitedMs < stuckAfterMs) return;
    suspect = undefined;
    replace({ jobId, waitedMs, active, concurrency });
  };
  let checking = false;
  const timer = watch
    ? setInterval(
        () => {
          if (checking) return;
          checking = true;
          check(watch.queue, watch.stuckAfterMs)
            .catch((err: unknown) =>
              settings.logger.debug({ err, queue: name }, 'worker watch: check failed'),
            )
            .finally(() => (checking = false));
        },
        Math.max(250, Math.floor(watch.stuckAfterMs / 3)),
      ).unref()
    : undefined;

  let closed: Promise<void> | undefined;
  return {
    queue: name,
    get concurrency() {
      return concurrency;
    },
    set concurrency(value: number) {
      concurrency = value;
      if (current.worker.concurrency !== value) current.worker.concurrency = value;
    },
    get active() {
      return active;
    },
    cancelJob(jobId, reason) {
      let found = false;
      for (const running of [current, ...retired])
        found = running.worker.cancelJob(jobId, reason) || found;
      return found;
    },
    close(force) {
      clearInterval(timer);
      stopPump?.();
      const all = [current, ...retired];
      if (!force) return (closed ??= Promise.all(all.map(close)).then(() => undefined));
      return Promise.all(all.map(forceClose)).then(() => undefined);
    },
  };
}
