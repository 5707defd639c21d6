import type { PlanView } from '../api/types';

/**
 * Whether the plan's dependency graph is stored (asking for it before is answered 404): a V2 plan
 * whose graph stage is done, whatever its status now (a plan can fail, pause or be cancelled
 * before or after that stage).
 */
export const hasGraph = (plan: PlanView | undefined): boolean =>
  plan?.mode === 'v2' && plan.progress.graph.done > 0;
