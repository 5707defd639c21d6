export { openResources, type Resources, type OpenedResources } from './resources.js';
export { ROLES, ROLE_NAMES, roleQueues, startRole, type RoleName } from './roles.js';
export {
  choosePlanMode,
  executeStoredPlan,
  storePlan,
  submitPlan,
  type Submission,
} from './submit.js';
export { retryTask, type TaskRetry } from './task-retry.js';
export { getPlanView, getRunResult, type PlanView, type StageProgress } from './plan-view.js';
export { reconcile } from './reconcile.js';
export { startReconciler } from './reconciler-loop.js';
export { runWorkerProcess } from './worker-process.js';
export { cancelPlan, executeWave, pausePlan, resumePlan } from './plan-control.js';
export { syntheticPlan, type SyntheticPlanOptions } from './bench/synthetic-plan.js';
export { runFigures, heaviestChain, maxOverlap, type RunFigures } from './bench/run-figures.js';
export { rawBullmqMsPerJob } from './bench/raw-bullmq.js';
export { validateOnDemand, type OnDemandValidation } from './validate-on-demand.js';
export { reviewAtom, type ReviewAction, type ReviewOutcome } from './review.js';
