/**
 * Status vocabularies shared by the database, the queues, the API and the console.
 * Browser-safe: this module imports nothing, and the console reads it as `@mge/core/domain`
 * (the package's `./domain` export), so keep it free of imports of Node-only modules.
 */

export const LANGUAGES = ['typescript', 'javascript', 'python'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Grammar of one file: TSX needs its own tree-sitter grammar. */
export type FileLanguage = Language | 'tsx';

export const PLAN_STATUSES = [
  /** The planner is writing the MasterPlan (skeleton, then milestone by milestone). */
  'planning',
  'queued',
  /** V2: the model drafts each undrafted task's file, in dependency order, before atomization. */
  'drafting',
  'atomizing',
  'graphing',
  'generating',
  'validating',
  'completed',
  'failed',
  'needs_review',
  'paused',
  'cancelled',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const TERMINAL_PLAN_STATUSES: readonly PlanStatus[] = [
  'completed',
  'failed',
  'needs_review',
  'cancelled',
];
/** Statuses a plan never leaves: nothing can resume, cancel or review it any more. */
export const FINAL_PLAN_STATUSES: readonly PlanStatus[] = ['completed', 'failed', 'cancelled'];
/** Statuses in which a plan's jobs do work (paused plans keep their state and wait). */
export const ACTIVE_PLAN_STATUSES: readonly PlanStatus[] = [
  'drafting',
  'atomizing',
  'graphing',
  'generating',
  'validating',
];

/**
 * Which engine runs a plan. `mvp`: each task is generated whole (one LLM call per task, one
 * retry, basic validation). `v2`: tasks are atomized and atoms generated along their dependency graph.
 */
export const PLAN_MODES = ['mvp', 'v2'] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

export const SCHEDULING_MODES = ['eager', 'waves'] as const;
export type SchedulingMode = (typeof SCHEDULING_MODES)[number];

/**
 * v2: pending -> atomized | failed. A task without code in a v2 plan is drafted first:
 * undrafted -> drafting (an attempt in flight; `undrafted` again when another attempt is due) ->
 * pending (its drafted code stored) | failed. MVP (a task generated whole): pending -> running (an attempt in
 * flight; `pending` again when it failed and another attempt is due) -> generated | failed.
 */
export const TASK_STATUSES = [
  'pending',
  'atomized',
  'failed',
  'running',
  'generated',
  'undrafted',
  'drafting',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * pending: waiting for prerequisites; ready: enqueued; running: an attempt is in flight;
 * validated: passed L1 and is usable as context; failed: attempts exhausted (human review);
 * blocked: a prerequisite failed.
 */
export const ATOM_STATUSES = [
  'pending',
  'ready',
  'running',
  'validated',
  'failed',
  'blocked',
] as const;
export type AtomStatus = (typeof ATOM_STATUSES)[number];

/** A human review's state; `regenerating` stays until the new attempt settles. */
export const REVIEW_STATUSES = ['open', 'approved', 'edited', 'regenerating', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** What a reviewer asks for one atom of the human review queue. */
export type ReviewAction =
  | { action: 'approve'; note?: string | undefined }
  | { action: 'edit'; code: string; note?: string | undefined }
  | { action: 'regenerate'; note?: string | undefined }
  | { action: 'reject'; note?: string | undefined };

export const ATOM_KINDS = [
  'import',
  'declaration',
  'function',
  'class',
  'method',
  'block',
  'statement',
] as const;
export type AtomKind = (typeof ATOM_KINDS)[number];

export const VALIDATION_LEVELS = ['atom', 'module', 'component', 'system'] as const;
export type ValidationLevel = (typeof VALIDATION_LEVELS)[number];

export const EDGE_KINDS = [
  'import',
  'call',
  'type',
  'inheritance',
  'data',
  'order',
  'reference',
] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** A located problem (parser error, compiler diagnostic, failing test). Lines are 1-based. */
export interface Diagnostic {
  level: ValidationLevel;
  file?: string;
  line?: number;
  column?: number;
  message: string;
  atomId?: string;
  /** L4: the test file whose failure this is (the failure may point at an atom elsewhere). */
  test?: string;
}

/** File extension -> grammar. */
export function fileLanguage(file: string): FileLanguage | undefined {
  const ext = /\.[^./\\]+$/.exec(file)?.[0].toLowerCase();
  switch (ext) {
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
    case '.tsx':
      return 'tsx';
    case '.js':
    case '.mjs':
    case '.cjs':
    case '.jsx':
      return 'javascript';
    case '.py':
      return 'python';
    default:
      return undefined;
  }
}

/** Which file grammars a plan of a given language may contain. */
export function acceptsFile(planLanguage: Language, file: string): boolean {
  const lang = fileLanguage(file);
  if (lang === undefined) return false;
  if (planLanguage === 'python') return lang === 'python';
  if (planLanguage === 'javascript') return lang === 'javascript';
  return lang !== 'python';
}
