import { planTenant } from '@mge/db';
import { enqueueAll, NO_TENANT, type FairEnqueue } from '@mge/queue';
import type { Effects } from './effects.js';
import { publishProgress } from './progress.js';
import type { Resources } from './resources.js';
import { finishGeneration } from '../stages/finish-generation.js';

/**
 * Does what a committed transaction decided (`Effects`), in the one order that keeps live clients
 * and the queues consistent: publish progress (after commit: Postgres is the truth), then enqueue
 * (so a dependent's `running` can never be published before its `ready`), then, when the plan's
 * generation settled, finish it (whose own effects follow the same path). Call it only after the
 * transaction that produced the effects has committed.
 */
export async function applyEffects(
  r: Pick<Resources, 'db' | 'queues' | 'events' | 'logger' | 'fair'>,
  done: Effects | undefined,
): Promise<void> {
  if (!done) return;
  await publishProgress(r, done.planId, done.events);
  await enqueueAll(r.queues, done.jobs, fairEnqueue(r));
  if (done.finished) await applyEffects(r, await finishGeneration(r.db, done.planId));
}

/** Fair sharing keyed by the plan's tenant, when it is on. */
function fairEnqueue(r: Pick<Resources, 'db' | 'fair'>): FairEnqueue | undefined {
  if (!r.fair) return undefined;
  return {
    scheduler: r.fair,
    tenantOf: async (planId) => (await planTenant(r.db, planId)) ?? NO_TENANT,
  };
}
