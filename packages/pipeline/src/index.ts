export {
  openResources,
  createLlmProvider,
  type Resources,
  type OpenedResources,
} from './resources.js';
export { ROLES, ROLE_NAMES, startRole, type RoleName } from './roles.js';
export { submitPlan, type Submission } from './submit.js';
export { getPlanView, getRunResult, type PlanView, type StageProgress } from './plan-view.js';
export { reconcile } from './reconcile.js';
export { startReconciler } from './reconciler-loop.js';
export { runWorkerProcess } from './worker-process.js';
