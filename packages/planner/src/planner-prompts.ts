import type { DiscoveryDocument } from './discovery-schema.js';
import type { PlanIssue } from './plan-issues.js';
import type { MasterPlanSkeleton } from './masterplan-steps.js';
import type { MasterPlanTask } from './masterplan-schema.js';

export interface PlannerPrompt {
  /** The stable prefix (sent with cache_control): instructions, then discovery and skeleton. */
  system: string;
  prompt: string;
}

const DISCOVERY_SHAPE = `{
  "domain": { "name": string, "description": string },
  "requirements": [ { "id": "R1", "text": string, "priority": "must" | "should" | "could", "acceptanceCriteria": [string] } ],
  "boundedContexts": [ { "id": string, "name": string, "description": string, "responsibilities": [string] } ],
  "aggregates": [ { "id": string, "name": string, "contextId": string, "rootEntity": string, "entities": [string], "valueObjects": [string], "invariants": [string] } ],
  "domainEvents": [ { "name": string, "trigger": string, "producer": string, "subscribers": [string] } ],
  "services": [ { "name": string, "kind": string, "contextId": string, "operations": [string] } ],
  "assumptions": [string],
  "openQuestions": [ { "question": string, "blocking": boolean, "defaultAnswer": string } ],
  "risks": [string]
}`;

/** Discovery: a DDD analysis of requirements text, as one JSON object. */
export function discoveryPrompt(requirements: string, feedback?: string): PlannerPrompt {
  return {
    system:
      'You are a software analyst doing domain-driven discovery. Read the requirements and answer ' +
      `with one JSON object of this shape, nothing else:\n${DISCOVERY_SHAPE}\n` +
      'Number requirements R1, R2, ... Each requirement has testable acceptance criteria. ' +
      'Every aggregate and service names the id of its bounded context. Give each open question a default answer.',
    prompt: `Requirements:\n${requirements}${feedback ? `\n\n${feedback}` : ''}`,
  };
}

const SKELETON_SHAPE = `{
  "name": string, "language": "typescript" | "javascript" | "python", "description": string,
  "phases": [ { "id": "P1", "kind": "setup" | "core" | "polish", "goal": string } ],
  "milestones": [ { "id": "M1", "phaseId": "P1", "name": string, "goal": string, "dependsOn": ["M0"] } ],
  "coverage": [ { "milestoneId": "M1", "requirementIds": ["R1"] } ]
}`;

const TASKS_SHAPE = `{
  "tasks": [ { "id": string, "milestoneId": string, "title": string, "description": string, "file": "src/x.ts",
    "dependsOn": [taskId], "requirementIds": [requirementId], "provides": [ { "symbol": string } ],
    "consumes": [ { "symbol": string, "fromTaskId": taskId } ], "estimatedLoc": number,
    "subtasks": [ { "id": string, "title": string } ] } ],
  "tests": [ { "file": "test/x.test.ts", "covers": [taskId] } ]
}`;

const discoveryBlock = (discovery: DiscoveryDocument) =>
  `Discovery document:\n${JSON.stringify(discovery, null, 1)}`;

/** Step 1: phases, milestones and which milestone covers which requirement. */
export function skeletonPrompt(
  discovery: DiscoveryDocument,
  language: string | undefined,
  feedback?: string,
): PlannerPrompt {
  return {
    system:
      'You are a software architect writing a MasterPlan in steps. ' +
      `${discoveryBlock(discovery)}`,
    prompt:
      `Step 1: the skeleton. Answer with one JSON object of this shape, nothing else:\n${SKELETON_SHAPE}\n` +
      'Phases in order setup, core, polish. Milestones depend only on earlier milestones. ' +
      `Every requirement id appears in some milestone's coverage.${language ? ` The language is ${language}.` : ''}` +
      (feedback ? `\n\n${feedback}` : ''),
  };
}

/** The prefix every milestone step shares (cached): instructions, discovery, skeleton. */
function milestoneSystem(discovery: DiscoveryDocument, skeleton: MasterPlanSkeleton): string {
  return (
    'You are a software architect writing a MasterPlan in steps, milestone by milestone. ' +
    `Each task owns exactly one ${skeleton.language} source file; files are relative paths ` +
    '(no "..", no leading "/"). A task depends only on tasks of its milestone or of milestones ' +
    'it transitively depends on, and consumes symbols only from tasks it depends on that provide ' +
    `them. Keep each task under 300 estimated lines. Answer with one JSON object of this shape, nothing else:\n${TASKS_SHAPE}\n\n` +
    `${discoveryBlock(discovery)}\n\nSkeleton:\n${JSON.stringify(skeleton, null, 1)}`
  );
}

/** Step 2, per milestone: its tasks (and tests), knowing the tasks of earlier milestones. */
export function milestonePrompt(
  discovery: DiscoveryDocument,
  skeleton: MasterPlanSkeleton,
  milestoneId: string,
  earlier: readonly MasterPlanTask[],
  feedback?: string,
): PlannerPrompt {
  const known = earlier.map((t) => ({
    id: t.id,
    milestoneId: t.milestoneId,
    file: t.file,
    provides: t.provides.map((p) => p.symbol),
  }));
  const covers = skeleton.coverage.find((c) => c.milestoneId === milestoneId)?.requirementIds ?? [];
  return {
    system: milestoneSystem(discovery, skeleton),
    prompt:
      `Write the tasks of milestone ${milestoneId} (requirements it covers: ${covers.join(', ') || 'none'}), ` +
      `and tests for them. Tasks of earlier milestones you may depend on:\n${JSON.stringify(known)}` +
      (feedback ? `\n\n${feedback}` : ''),
  };
}

/** A repair round for one milestone: the validator's errors, and that milestone's current tasks. */
export function repairPrompt(
  discovery: DiscoveryDocument,
  skeleton: MasterPlanSkeleton,
  milestoneId: string,
  current: { tasks: readonly MasterPlanTask[]; tests: readonly unknown[] },
  others: readonly MasterPlanTask[],
  issues: readonly PlanIssue[],
  feedback?: string,
): PlannerPrompt {
  const known = others.map((t) => ({
    id: t.id,
    milestoneId: t.milestoneId,
    file: t.file,
    provides: t.provides.map((p) => p.symbol),
  }));
  return {
    system: milestoneSystem(discovery, skeleton),
    prompt:
      `The plan validator found errors in milestone ${milestoneId}. Answer with the corrected tasks and tests of that milestone (the whole milestone).\n` +
      `Errors:\n${issues.map((i) => `- ${i.code} at ${i.path}: ${i.message}`).join('\n')}\n\n` +
      `Current milestone ${milestoneId}:\n${JSON.stringify(current)}\n\nTasks of other milestones:\n${JSON.stringify(known)}` +
      (feedback ? `\n\n${feedback}` : ''),
  };
}

/**
 * A planner prompt with reference material (retrieved snippets of the tenant's earlier plans,
 * examples and documents, rendered within their token budget) at the end of its system block: the
 * same for every step of one discovery or plan, so the cached prefix stays shared.
 */
export function withReference(prompt: PlannerPrompt, reference: string): PlannerPrompt {
  return reference ? { ...prompt, system: `${prompt.system}\n\n${reference}` } : prompt;
}
