import { TERMINAL_PLAN_STATUSES } from '@mge/core';
import type { PlanView } from '@mge/pipeline';
import { createProgressView } from './progress.js';

/** Polls until the plan reaches a terminal status, drawing progress on stderr. */
export async function waitForPlan(
  load: () => Promise<PlanView | undefined>,
  options: { progress?: boolean; intervalMs?: number } = {},
): Promise<PlanView> {
  const progress = options.progress === false ? undefined : createProgressView();
  try {
    for (;;) {
      const view = await load();
      if (!view) throw new Error('the plan disappeared while waiting for it');
      progress?.update(view);
      if (TERMINAL_PLAN_STATUSES.includes(view.status)) return view;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
    }
  } finally {
    progress?.stop();
  }
}
