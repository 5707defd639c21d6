import type { Diagnostic } from '@mge/core';
import { syntaxDiagnostics } from './syntax.js';

export interface AssembledAtom {
  id: string;
  startLine: number;
  endLine: number;
  code: string;
}

/** A file is its atoms' code concatenated in order. */
export function assembleFile(atoms: readonly { code: string }[]): string {
  return atoms.map((a) => a.code).join('');
}

/** L2 (first cut): the assembled file parses. Each diagnostic names the atom holding its line. */
export function validateModule(file: string, atoms: readonly AssembledAtom[]): Diagnostic[] {
  const diagnostics = syntaxDiagnostics(file, assembleFile(atoms), 'module');
  const lines = atomLineRanges(atoms);
  return diagnostics.map((d) => {
    const owner =
      d.line === undefined
        ? undefined
        : lines.find((r) => d.line! >= r.startLine && d.line! <= r.endLine);
    return owner ? { ...d, atomId: owner.id } : d;
  });
}

/** Line ranges of atoms as they sit in the assembled file (generated code may change lengths). */
function atomLineRanges(
  atoms: readonly AssembledAtom[],
): { id: string; startLine: number; endLine: number }[] {
  let line = 1;
  return atoms.map((atom) => {
    const newlines = atom.code.split('\n').length - 1;
    const endsWithNewline = atom.code.endsWith('\n');
    const range = {
      id: atom.id,
      startLine: line,
      endLine: line + newlines - (endsWithNewline ? 1 : 0),
    };
    line += newlines;
    return range;
  });
}
