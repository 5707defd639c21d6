import type { GenerateRequest, LlmBatches } from '@mge/llm';
import type { Logger } from '@mge/telemetry';

/**
 * Collects this process's batch requests (already reserved in Postgres) and submits them as one
 * batch when `maxRequests` wait or the oldest has waited `flushMs`. `add` resolves once the
 * batch exists and its id is recorded on the requests' rows, so the job that added a request
 * ends only when a restarted fleet can find its batch: a process that dies before submitting
 * leaves its jobs to BullMQ's stalled check, and their reservations expire after `leaseMs`.
 */
export interface BatchAccumulator {
  /** How long a reservation stays this process's: longer than a flush and a create call. */
  readonly leaseMs: number;
  add(customId: string, request: GenerateRequest): Promise<void>;
  /** Submits what waits now; later `add`s are refused. */
  close(): Promise<void>;
}

export interface BatchAccumulatorOptions {
  batches: LlmBatches;
  /** Records the batch id on the requests (Postgres: `markBatchSubmitted`). */
  submitted(customIds: readonly string[], batchId: string): Promise<void>;
  /** The batch could not be created: forgets the reservations (`dropPendingBatchRequests`). */
  abandoned(customIds: readonly string[]): Promise<void>;
  maxRequests: number;
  flushMs: number;
  /** A create call (with the SDK's retries) lasts at most this long. */
  requestTimeoutMs: number;
  logger: Logger;
}

interface Held {
  customId: string;
  request: GenerateRequest;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createBatchAccumulator(options: BatchAccumulatorOptions): BatchAccumulator {
  const { batches, maxRequests, flushMs, logger } = options;
  let held: Held[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const inFlight = new Set<Promise<void>>();

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (held.length === 0) return;
    const items = held;
    held = [];
    const ids = items.map((i) => i.customId);
    const submitting = (async () => {
      try {
        // The answers are text; the job's AbortSignal does not travel with the batch.
        const { id } = await batches.create(
          items.map(({ customId, request: { signal: _signal, ...request } }) => ({
            customId,
            request,
          })),
        );
        await options.submitted(ids, id);
        logger.info({ batchId: id, requests: items.length }, 'LLM batch submitted');
        for (const item of items) item.resolve();
      } catch (error) {
        logger.warn({ err: error, requests: items.length }, 'cannot submit an LLM batch');
        // Forget the reservations: the jobs fail, BullMQ retries them, and they reserve again.
        await options.abandoned(ids).catch(() => undefined);
        for (const item of items) item.reject(error);
      }
    })();
    inFlight.add(submitting);
    void submitting.finally(() => inFlight.delete(submitting));
  };

  return {
    leaseMs: flushMs + options.requestTimeoutMs + 5_000,
    add(customId, request) {
      if (closed) return Promise.reject(new Error('the batch accumulator is closed'));
      return new Promise<void>((resolve, reject) => {
        held.push({ customId, request, resolve, reject });
        if (held.length >= maxRequests) flush();
        else timer ??= setTimeout(flush, flushMs).unref();
      });
    },
    async close() {
      closed = true;
      flush();
      await Promise.all(inFlight);
    },
  };
}
