export {
  openResources,
  queuePrefixOf,
  type OpenedResources,
  type Resources,
  type RunConfig,
} from './runtime/resources.js';
export { failPlanForJob, watchJobFailures } from './runtime/job-failures.js';
export { createMailer, type Email, type Mailer } from './runtime/mailer.js';
export { notifyPlanStatus, withPlanNotifications } from './runtime/plan-notifications.js';
export { ROLES, ROLE_NAMES, roleQueues, startRole, type RoleName } from './runtime/roles.js';
export {
  choosePlanMode,
  executeStoredPlan,
  storePlan,
  submitPlan,
  type Submission,
} from './commands/submit.js';
export { retryTask, type TaskRetry } from './commands/task-retry.js';
export {
  getPlanView,
  getRunResult,
  type PlanView,
  type StageProgress,
} from './commands/plan-view.js';
export { reconcile } from './runtime/reconcile.js';
export { startReconciler } from './runtime/reconciler-loop.js';
export { runWorkerProcess } from './runtime/worker-process.js';
export { cancelPlan, executeWave, pausePlan, resumePlan } from './commands/plan-control.js';
export { validateOnDemand, type OnDemandValidation } from './commands/validate-on-demand.js';
export {
  reviewAtom,
  reviewTest,
  type ReviewAction,
  type ReviewOutcome,
  type TestReviewOutcome,
} from './commands/review.js';
export {
  approveMasterplan,
  editMasterplan,
  estimatePlanCost,
  plannerUnavailable,
  readMasterplan,
  startDiscovery,
  startMasterplan,
  type MasterplanDocument,
  type MasterplanEdit,
} from './planner/planner-service.js';
export { planInputOf } from './planner/plan-input.js';
export { sendChatMessage, startConversation, type ChatReply } from './planner/chat-service.js';
export { completedEffects, indexCompletedPlan } from './stages/index-plan.js';
export { promptSnippets, type SnippetSubject } from './stages/prompt-snippets.js';
export { DEFAULT_EXAMPLES_DIR, readExamplePlans } from './runtime/example-plans.js';
