import { readFile } from 'node:fs/promises';
import {
  atomizeSource,
  atomSummary,
  decodeSource,
  type AtomizedFile,
  type DraftAtom,
} from '@mge/atomizer';
import { InvalidInputError } from '@mge/core';
import { print, printError } from '../output.js';

/**
 * `mge atomize FILE... [--json]`: the atoms of each file, as a table per file or as the JSON of
 * ARCHITECTURE.md section 7. Exit 0, or 2 on bad input (unreadable, binary, not UTF-8, an
 * unsupported extension, a syntax error) with one reason per bad file on stderr.
 */
export async function atomizeCommand(
  files: readonly string[],
  options: { json?: boolean },
): Promise<number> {
  const results: AtomizedFile[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      results.push(atomizeSource(decodeSource(await readFile(file), file), file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof InvalidInputError) problems.push(error.message);
      else if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
        problems.push(`${file}: ${(error as Error).message}`);
      else throw error;
    }
  }
  if (problems.length > 0) {
    await printError(problems.map((p) => `mge atomize: ${p}\n`).join(''));
    return 2;
  }
  if (options.json) await print(`${JSON.stringify({ files: results.map(fileJson) })}\n`);
  else await print(results.map(table).join(''));
  return 0;
}

function atomId(path: string, atom: DraftAtom): string {
  return `${path}#${atom.ordinal}`;
}

function fileJson(file: AtomizedFile) {
  return {
    path: file.path,
    language: file.language,
    atoms: file.atoms.map((a) => ({
      id: atomId(file.path, a),
      ...atomSummary(a),
      criteriaPassed: a.criteriaPassed,
      criteriaFailed: a.criteriaFailed,
      contextCompleteness: a.contextCompleteness,
    })),
  };
}

function table(file: AtomizedFile): string {
  const atomic = file.atoms.filter((a) => a.atomic).length;
  const header = ['#', 'kind', 'name', 'lines', 'loc', 'cc', 'criteria', 'context', 'failed'];
  const rows = file.atoms.map((a) => [
    String(a.ordinal),
    a.kind,
    a.name.length > 40 ? `${a.name.slice(0, 39)}…` : a.name,
    `${a.startLine}-${a.endLine}`,
    String(a.loc) + (a.sizeViolation ? '!' : ''),
    String(a.complexity),
    `${a.criteriaPassed}/10`,
    `${Math.round(a.contextCompleteness * 100)}%`,
    a.criteriaFailed.map((f) => f.criterion).join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return (
    [
      `${file.path} (${file.language}): ${file.atoms.length} atoms, ${atomic} atomic (8+ of 10 criteria)${file.atoms.some((a) => a.sizeViolation) ? '; ! = indivisible over 15 LOC' : ''}`,
      line(header),
      ...rows.map(line),
      '',
    ].join('\n') + '\n'
  );
}
