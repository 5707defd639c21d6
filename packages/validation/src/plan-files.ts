import type { Diagnostic, Language, ValidationLevel } from '@mge/core';

/** One atom as the validator sees it: its current code (validated or draft) in file order. */
export interface SourceAtom {
  id: string;
  code: string;
  /** The atom's name as atomization gave it (a function, class or method name). */
  name?: string;
  /** Names the atom defines (from atomization); used to map test failures to atoms. */
  defines?: readonly string[];
  /** Atomizer line range of the draft; only informative, ranges are recomputed from `code`. */
  startLine?: number;
  endLine?: number;
}

/** A source file of the plan, assembled from its atoms. */
export interface SourceFile {
  path: string;
  atoms: readonly SourceAtom[];
  /** The task's drafted code: its exported names are the task's declared interface. */
  draft?: string;
}

export interface TestFile {
  path: string;
  code: string;
}

/** Everything the L2-L4 validators need about a plan; no database rows, no I/O handles. */
export interface PlanSources {
  language: Language;
  files: readonly SourceFile[];
  tests: readonly TestFile[];
  /** Third-party packages the plan may import (npm names or Python top-level modules). */
  packages?: readonly string[];
}

/**
 * Every path an import may name: sources and test entries (a source may import a JSON data file
 * shipped with the tests). L2 resolves against these wherever it runs (hierarchy, review edits).
 */
export function planFilePaths(plan: Pick<PlanSources, 'files' | 'tests'>): string[] {
  return [...plan.files, ...plan.tests].map((f) => f.path);
}

/** The outcome of one level over one scope (a file at L2, the plan at L3 and L4). */
export interface LevelResult {
  level: ValidationLevel;
  scope: string;
  passed: boolean;
  diagnostics: Diagnostic[];
  durationMs: number;
}
