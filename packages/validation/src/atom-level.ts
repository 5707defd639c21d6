import type { Diagnostic } from '@mge/core';
import { syntaxDiagnostics } from './syntax.js';

export interface AtomInFile {
  file: string;
  /** The file's current text with this atom's range at [start, end) as UTF-16 indexes. */
  fileText: string;
  start: number;
  end: number;
  candidate: string;
}

/**
 * L1: the candidate code spliced into its file in place of the atom parses. Diagnostics keep
 * file line numbers so they can be mapped back to atoms.
 */
export function validateAtom({ file, fileText, start, end, candidate }: AtomInFile): Diagnostic[] {
  if (candidate.trim() === '' && fileText.slice(start, end).trim() !== '') {
    return [{ level: 'atom', file, message: 'generated code is empty' }];
  }
  const spliced = fileText.slice(0, start) + candidate + fileText.slice(end);
  return syntaxDiagnostics(file, spliced, 'atom');
}
