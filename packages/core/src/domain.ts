/** Status vocabularies shared by the database, the queues and the API. */

export const LANGUAGES = ['typescript', 'javascript', 'python'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Grammar of one file: TSX needs its own tree-sitter grammar. */
export type FileLanguage = Language | 'tsx';

export const PLAN_STATUSES = [
  'queued',
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
/** Statuses in which a plan's jobs do work (paused plans keep their state and wait). */
export const ACTIVE_PLAN_STATUSES: readonly PlanStatus[] = [
  'atomizing',
  'graphing',
  'generating',
  'validating',
];

export const SCHEDULING_MODES = ['eager', 'waves'] as const;
export type SchedulingMode = (typeof SCHEDULING_MODES)[number];

/**
 * v2: pending -> atomized | failed. MVP (a task generated whole): pending -> running (an attempt in
 * flight; `pending` again when it failed and another attempt is due) -> generated | failed.
 */
export const TASK_STATUSES = ['pending', 'atomized', 'failed', 'running', 'generated'] as const;
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
