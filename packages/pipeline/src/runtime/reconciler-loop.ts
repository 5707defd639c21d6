import type { Closable } from '@mge/queue';
import { reconcile } from './reconcile.js';
import type { Resources } from './resources.js';

/** Runs the reconciler now and every `intervalMs` (0: only now). */
export function startReconciler(r: Resources, intervalMs = r.config.reconcileIntervalMs): Closable {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = reconcile(r).catch((err: unknown) =>
      r.logger.warn({ err }, 'reconcile failed; will retry'),
    );
  };
  tick();
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
  timer?.unref();
  return {
    name: 'reconciler',
    close: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
