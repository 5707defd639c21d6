import { findPlan, type Db, type Masterplan } from '@mge/db';
import { waitFor } from './services';

/** Waits until the plan is in one of `statuses` and returns it. */
export function planIn(db: Db, id: string, statuses: readonly string[]): Promise<Masterplan> {
  return waitFor(
    async () => {
      const plan = await findPlan(db, id);
      return plan && statuses.includes(plan.status) ? plan : undefined;
    },
    `plan ${id} in ${statuses.join(' | ')}`,
  );
}

/** A plan that stopped moving: completed, failed or waiting for a human review. */
export const SETTLED = ['completed', 'failed', 'needs_review'] as const;
