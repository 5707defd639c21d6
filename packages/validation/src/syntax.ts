import { findSyntaxProblems, parseSource } from '@mge/atomizer';
import { fileLanguage, type Diagnostic, type ValidationLevel } from '@mge/core';

/** Parser diagnostics for a whole file; empty when it parses cleanly. */
export function syntaxDiagnostics(
  file: string,
  code: string,
  level: ValidationLevel,
): Diagnostic[] {
  const language = fileLanguage(file);
  if (!language) return [{ level, file, message: `unsupported file extension: ${file}` }];
  const tree = parseSource(code, language);
  if (!tree.rootNode.hasError) return [];
  return findSyntaxProblems(tree).map((p) => ({
    level,
    file,
    line: p.line,
    column: p.column,
    message: `syntax: ${p.message}`,
  }));
}
