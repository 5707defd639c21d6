import type { Logger } from 'pino';

export interface Closable {
  name: string;
  /** Graceful close: stop taking work, finish what is in flight. */
  close(): Promise<void>;
  /** Forced close after the deadline: in-flight jobs are released for other replicas. */
  forceClose?(): Promise<void>;
}

/**
 * Closes everything on SIGTERM/SIGINT: gracefully within `timeoutMs`, then by force. A second
 * signal forces at once. Resolves when done; the caller exits.
 */
export function closeOnSignal(
  closables: () => readonly Closable[],
  logger: Logger,
  timeoutMs: number,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        logger.warn({ signal }, 'second signal: forcing shutdown');
        void forceAll(closables(), logger).then(() => resolve(signal));
        return;
      }
      closing = true;
      logger.info({ signal, timeoutMs }, 'shutting down: finishing in-flight jobs');
      void closeAll(closables(), logger, timeoutMs).then(() => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve(signal);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

export async function closeAll(
  closables: readonly Closable[],
  logger: Logger,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const graceful = Promise.all(closables.map((c) => c.close())).then(() => 'closed' as const);
  const outcome = await Promise.race([graceful, deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn({ timeoutMs }, 'graceful shutdown timed out: releasing in-flight jobs');
    await forceAll(closables, logger);
  }
}

async function forceAll(closables: readonly Closable[], logger: Logger): Promise<void> {
  await Promise.all(
    closables.map((c) =>
      (c.forceClose ?? c.close)().catch((err: unknown) =>
        logger.error({ err, closable: c.name }, 'forced close failed'),
      ),
    ),
  );
}
