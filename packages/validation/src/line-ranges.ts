import type { Diagnostic } from '@mge/core';
import type { SourceAtom, SourceFile } from './plan-files.js';

export interface AtomLines {
  id: string;
  startLine: number;
  endLine: number;
}

/**
 * Line ranges of atoms as they sit in the assembled file. Recomputed from the current code, not
 * taken from atomization: generated code may have more or fewer lines than the draft.
 */
export function atomLineRanges(atoms: readonly Pick<SourceAtom, 'id' | 'code'>[]): AtomLines[] {
  let line = 1;
  return atoms.map((atom) => {
    const newlines = atom.code.split('\n').length - 1;
    const endsWithNewline = atom.code.endsWith('\n');
    const range = {
      id: atom.id,
      startLine: line,
      endLine: Math.max(line, line + newlines - (endsWithNewline ? 1 : 0)),
    };
    line += newlines;
    return range;
  });
}

/**
 * The atom holding `line`. A line past the last atom is the end of the file (the compiler reports
 * an unclosed construct there): it belongs to the last atom.
 */
export function atomAtLine(ranges: readonly AtomLines[], line: number): string | undefined {
  const last = ranges.at(-1);
  if (last && line > last.endLine) return last.id;
  return ranges.find((r) => line >= r.startLine && line <= r.endLine)?.id;
}

/** The atom holding a line of a file, if the file is one of the plan's sources. */
export type AtomLocator = (file: string, line: number) => string | undefined;

/** Builds a locator over every source file of a plan. */
export function atomLocator(files: readonly SourceFile[]): AtomLocator {
  const byFile = new Map(files.map((f) => [f.path, atomLineRanges(f.atoms)]));
  return (file, line) => atomAtLine(byFile.get(file) ?? [], line);
}

/** Fills `atomId` on diagnostics whose file and line fall inside an atom. */
export function attachAtoms(diagnostics: readonly Diagnostic[], locate: AtomLocator): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.atomId || d.file === undefined || d.line === undefined) return d;
    const atomId = locate(d.file, d.line);
    return atomId ? { ...d, atomId } : d;
  });
}
