import type { DiscoveryDocument } from './discovery-schema.js';

/** Stable codes (ARCHITECTURE.md §7); a planner repairs a plan by them. Extend, never rename. */
export const PLAN_ERROR_CODES = [
  'invalid_schema',
  'duplicate_id',
  'unknown_dependency',
  'unknown_phase',
  'dependency_cycle',
  'file_conflict',
  'unsafe_path',
  'file_language',
  'unknown_milestone',
  'milestone_order',
  'undeclared_dependency',
  'unprovided_symbol',
  'unknown_requirement',
  'uncovered_requirement',
  'task_too_large',
  'no_tests',
  'untested_task',
] as const;
export type PlanErrorCode = (typeof PLAN_ERROR_CODES)[number];

export interface PlanIssue {
  code: PlanErrorCode;
  /** Where in the plan: `tasks[2].dependsOn[0]`; '' for the plan as a whole. */
  path: string;
  message: string;
}

export interface PlanValidation {
  valid: boolean;
  errors: PlanIssue[];
  warnings: PlanIssue[];
  coverage: { requirements: { total: number; covered: number; uncovered: string[] } };
}

export interface PlanValidatorOptions {
  /** Requirements the plan must cover and may reference. */
  discovery?: DiscoveryDocument;
  /** A task estimated over this many lines must be split. @defaultValue 300 */
  maxTaskLoc?: number;
}

export const DEFAULT_MAX_TASK_LOC = 300;

/** Records one issue. */
export type Report = (code: PlanErrorCode, path: string, message: string) => void;
