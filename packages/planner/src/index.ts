export {
  discoveryDocumentSchema,
  openQuestionSchema,
  type OpenQuestion,
  REQUIREMENT_PRIORITIES,
  type DiscoveryDocument,
} from './discovery-schema.js';
export {
  masterPlanSchema,
  masterPlanTaskSchema,
  masterPlanTestSchema,
  pathProblem,
  PHASE_KINDS,
  type MasterPlan,
  type MasterPlanTask,
} from './masterplan-schema.js';
export {
  DEFAULT_MAX_TASK_LOC,
  PLAN_ERROR_CODES,
  type PlanErrorCode,
  type PlanIssue,
  type PlanValidation,
  type PlanValidatorOptions,
} from './plan-issues.js';
export { formatPath, validateMasterPlan, validatePlanValue } from './plan-validator.js';
export {
  answerFeedback,
  parseModelAnswer,
  type AnswerProblemKind,
  type ParsedAnswer,
} from './model-answer.js';
export {
  discoveryPrompt,
  milestonePrompt,
  repairPrompt,
  skeletonPrompt,
  withReference,
  type PlannerPrompt,
} from './planner-prompts.js';
export {
  answersOf,
  assembleMasterPlan,
  diffMasterPlans,
  issuesByMilestone,
  milestoneAnswerSchema,
  milestoneOf,
  skeletonSchema,
  type MasterPlanSkeleton,
  type MilestoneAnswer,
  type PlanDiff,
} from './masterplan-steps.js';
export {
  applyChatTurn,
  chatPrompt,
  chatTurnSchema,
  conversationRequirements,
  discoveryQuestions,
  pendingQuestion,
  type ChatMessage,
  type ChatTurn,
  type ConversationQuestion,
  type ConversationState,
} from './conversation.js';
