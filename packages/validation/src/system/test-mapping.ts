import type { Diagnostic } from '@mge/core';
import { moduleSymbols } from '@mge/source';
import type { AtomLocator } from '../line-ranges.js';
import type { SourceAtom, SourceFile, TestFile } from '../plan-files.js';
import type { TestFailure } from './test-report.js';

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const DEFINITION_PATTERNS = [
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/m,
  /^\s*(?:export\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/m,
  /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/m,
  /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/m,
  /^\s*(?:(?:public|private|protected|static|async|readonly|override|get|set)\s+)*\*?([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/m,
];

/** Names an atom defines: from atomization, else read off its first declaration line. */
export function namesDefinedBy(atom: SourceAtom): string[] {
  const code = atom.code
    .replace(/^\s*("""|''')[\s\S]*?\1/, '')
    .replace(/\/\*[\s\S]*?\*\/|^\s*(?:\/\/|#).*$|^\s*@.*$/gm, '');
  // Imports bind names the atom does not define.
  const imported = new Set(
    [...code.matchAll(/^\s*(?:from\s+\S+\s+)?import\s+(?:type\s+)?\(?([^;\n]*)/gm)].flatMap((m) =>
      m[1]!
        .replace(/[{}()'"]|\bfrom\b.*$|\btype\b/g, ' ')
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  );
  const names = new Set((atom.defines ?? []).filter((n) => !imported.has(n)));
  if (atom.name && /^[A-Za-z_$][\w$]*$/.test(atom.name)) names.add(atom.name);
  for (const pattern of DEFINITION_PATTERNS) {
    const name = pattern.exec(code)?.[1];
    if (name && !['if', 'for', 'while', 'switch', 'catch', 'return'].includes(name)) {
      if (!imported.has(name)) names.add(name);
      break;
    }
  }
  return [...names];
}

/** Line index of where each test starts: `test('name'`, `it("name"`, `def test_name(`. */
function testStart(lines: readonly string[], name: string | undefined, from: number): number {
  const escaped = name?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (escaped) {
    const byName = lines.findIndex((l) =>
      new RegExp(`(['"\`])${escaped}\\1|def ${escaped}\\b`).test(l),
    );
    if (byName >= 0) return byName;
  }
  for (let i = from; i >= 0; i--) if (/\b(?:test|it)\s*\(|^\s*def test/.test(lines[i]!)) return i;
  return 0;
}

/**
 * Maps a failing test to the atoms it points at:
 * 1. the innermost stack frame inside a source file of the plan (an exception thrown there);
 * 2. else the failing line of the test (an assertion), then the lines above it back to the start
 *    of the test: the first line naming something an atom defines points at that atom;
 * 3. a test that never finished points at every atom its body calls (the loop is in one of them).
 */
export function failureAtoms(
  failure: TestFailure,
  sources: readonly SourceFile[],
  tests: readonly TestFile[],
  locate: AtomLocator,
): string[] {
  const sourcePaths = new Set(sources.map((s) => s.path));
  for (const frame of failure.frames) {
    if (!sourcePaths.has(frame.file)) continue;
    const atomId = locate(frame.file, frame.line);
    if (atomId) return [atomId];
  }
  const test = tests.find((t) => t.path === failure.testFile);
  if (!test) return [];
  const definers = new Map<string, string[]>();
  for (const file of sources)
    for (const atom of file.atoms)
      for (const name of namesDefinedBy(atom))
        definers.set(name, [...(definers.get(name) ?? []), atom.id]);
  const lines = test.code.split('\n');
  // A name counts when the test imported it or calls it as a member (`cart.totals()`): a local
  // variable that happens to share a method's name does not.
  const imported = new Set(moduleSymbols(test.path, test.code).imports.flatMap((i) => i.names));
  const atomsOn = (text: string) => [
    ...new Set(
      [...text.matchAll(IDENTIFIER)]
        .filter((m) => imported.size === 0 || imported.has(m[0]) || text[m.index - 1] === '.')
        .flatMap((m) => definers.get(m[0]) ?? []),
    ),
  ];
  const testFrame = failure.frames.find((f) => f.file === failure.testFile);
  if (failure.kind !== 'timeout' && testFrame) {
    const start = testStart(lines, failure.testName, testFrame.line - 1);
    for (let i = testFrame.line - 1; i >= start && i >= 0; i--) {
      const hit = atomsOn(lines[i] ?? '');
      if (hit.length > 0) return hit;
    }
  }
  if (failure.testName) {
    const start = testStart(lines, failure.testName, lines.length - 1);
    let end = lines.length;
    for (let i = start + 1; i < lines.length; i++)
      if (
        /^(?:test|it|describe)\s*\(|^\s*def test|^\S/.test(lines[i]!) &&
        !/^[})\]]/.test(lines[i]!)
      ) {
        end = i;
        break;
      }
    return atomsOn(lines.slice(start + 1, end).join('\n'));
  }
  return [];
}

/** One diagnostic per (failure, atom) so each atom's feedback names the failing test. */
export function failureDiagnostics(
  failure: TestFailure,
  atomIds: readonly string[],
  locate: AtomLocator,
): Diagnostic[] {
  const where = failure.frames[0];
  const base: Diagnostic = {
    level: 'system',
    message: `${failure.testFile}${failure.testName ? ` > ${failure.testName}` : ''}: ${failure.message}`,
    test: failure.testFile,
    ...(where ? { file: where.file, line: where.line } : { file: failure.testFile }),
  };
  if (atomIds.length === 0) return [base];
  return atomIds.map((atomId) => {
    const frame = failure.frames.find((f) => locate(f.file, f.line) === atomId);
    return { ...base, ...(frame ? { file: frame.file, line: frame.line } : {}), atomId };
  });
}
