import { syntaxProblems, syntaxProblemsSince, type ParsedText } from '@mge/atomizer';
import { fileLanguage, type Diagnostic, type ValidationLevel } from '@mge/core';

/** Files whose last parse is kept for the next version's incremental parse, least recent out first. */
export const LAST_PARSES_KEPT = 64;

/** The last parse of each file checked with `reuseLastParse`, by language and path (this thread's). */
const lastParses = new Map<string, ParsedText>();

/**
 * Syntax diagnostics for a whole file; empty when it is valid syntax. Judged as the atomizer
 * judges input (tree-sitter, with the TypeScript compiler's word on JavaScript and TypeScript
 * the grammar fails on), so a file that was atomized never fails here for its syntax.
 *
 * `reuseLastParse` (L1, which checks one file again and again with one atom changed): the file is
 * parsed incrementally against its last parse here (`syntaxProblemsSince`), which is kept for the
 * next call (`LAST_PARSES_KEPT` files); the diagnostics are those of a parse from scratch. Any
 * earlier text of the path serves (another plan's file of the same name only reuses less).
 */
export function syntaxDiagnostics(
  file: string,
  code: string,
  level: ValidationLevel,
  { reuseLastParse = false }: { reuseLastParse?: boolean } = {},
): Diagnostic[] {
  const language = fileLanguage(file);
  if (!language) return [{ level, file, message: `unsupported file extension: ${file}` }];
  let problems;
  if (reuseLastParse) {
    const key = `${language}:${file}`;
    const previous = lastParses.get(key);
    // Out of the map first: the incremental parse edits the old tree, so it is spent either way.
    lastParses.delete(key);
    const since = syntaxProblemsSince(previous, code, language, file);
    if (lastParses.size >= LAST_PARSES_KEPT) lastParses.delete(lastParses.keys().next().value!);
    lastParses.set(key, since.parsed);
    problems = since.problems;
  } else problems = syntaxProblems(code, language, file);
  return problems.map((p) => ({
    level,
    file,
    line: p.line,
    column: p.column,
    message: `syntax: ${p.message}`,
  }));
}
