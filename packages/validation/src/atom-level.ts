import type { Diagnostic } from '@mge/core';
import { forbiddenConstructs } from './forbidden-constructs.js';
import { syntaxDiagnostics } from './syntax.js';

export interface AtomInFile {
  file: string;
  /** The file's current text with this atom's range at [start, end) as UTF-16 indexes. */
  fileText: string;
  start: number;
  end: number;
  candidate: string;
  /**
   * The atom's drafted code, the reference for forbidden constructs.
   * @defaultValue the text at [start, end) of `fileText`
   */
  draft?: string;
}

/**
 * L1 atom: the candidate spliced into its file in place of the atom parses (no error or missing
 * node), is not empty where the draft was not, and brings in no forbidden construct (eval,
 * dynamic code loading, process or network access) the draft did not have. Synchronous and
 * in-process (a parse and a few regular expressions): it runs on every generation attempt, so the
 * parse is incremental, against the file's last parse in this thread (`reuseLastParse`: the
 * diagnostics are a parse from scratch's).
 * Diagnostics keep file line numbers so they can be mapped back to atoms.
 */
export function validateAtom({
  file,
  fileText,
  start,
  end,
  candidate,
  draft,
}: AtomInFile): Diagnostic[] {
  const original = draft ?? fileText.slice(start, end);
  if (candidate.trim() === '' && original.trim() !== '') {
    return [{ level: 'atom', file, message: 'generated code is empty' }];
  }
  const spliced = fileText.slice(0, start) + candidate + fileText.slice(end);
  const syntax = syntaxDiagnostics(file, spliced, 'atom', { reuseLastParse: true });
  if (syntax.length > 0) return syntax;
  const line = fileText.slice(0, start).split('\n').length;
  return forbiddenConstructs(file, candidate, original, line);
}
