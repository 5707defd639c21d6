import type { Diagnostic } from '@mge/core';
import { isPythonFile, moduleSymbols } from '@mge/source';
import { validateAtom } from './atom-level.js';
import { validateModule } from './module-level.js';

export interface DraftCandidate {
  /** The task's target file. */
  file: string;
  /** The model's answer: the whole file. */
  candidate: string;
  /** Symbols the task must provide to the tasks that consume from it. @defaultValue [] */
  provides?: readonly string[];
  /**
   * Every source file of the plan: with it, L2 runs on the draft too (no duplicate top-level
   * definition, every import resolves to a file of the plan or a built-in). @defaultValue L1 only
   */
  planFiles?: readonly string[];
}

/**
 * A task's drafted file: not empty; parses as a whole and brings no forbidden construct (L1 on
 * the whole file, the one atom check); with `planFiles`, passes L2 (the one module check, the
 * file as its only atom); and defines at top level every symbol the task provides (exported in
 * TypeScript and JavaScript: other files import it). Synchronous, like L1: it runs
 * on every drafting attempt, and its diagnostics are the next attempt's feedback.
 */
export function validateDraft({
  file,
  candidate,
  provides = [],
  planFiles,
}: DraftCandidate): Diagnostic[] {
  if (candidate.trim() === '')
    return [{ level: 'atom', file, message: 'the drafted file is empty' }];
  const l1 = validateAtom({ file, fileText: '', start: 0, end: 0, candidate, draft: '' });
  if (l1.length > 0) return l1;
  if (planFiles) {
    const l2 = validateModule(file, [{ id: file, code: candidate }], { planFiles });
    if (l2.length > 0) return l2.map(({ atomId: _atomId, ...d }) => d);
  }
  const python = isPythonFile(file);
  const defined = new Set(
    moduleSymbols(file, candidate)
      .definitions.filter((d) => python || d.exported)
      .map((d) => d.name),
  );
  return provides
    .filter((symbol) => !defined.has(symbol))
    .map((symbol) => ({
      level: 'module' as const,
      file,
      message: `the task must provide "${symbol}"${python ? '' : ' (exported)'}, and the file does not define it`,
    }));
}
