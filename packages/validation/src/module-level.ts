import type { Diagnostic } from '@mge/core';
import {
  isPythonFile,
  moduleSymbols,
  PlanModules,
  sourceModel,
  type Definition,
  type ResolvedImport,
} from '@mge/source';
import { atomAtLine, atomLineRanges, attachAtoms } from './line-ranges.js';
import type { SourceAtom } from './plan-files.js';
import { pythonFacts } from './python-facts.js';
import { syntaxDiagnostics } from './syntax.js';

/** @deprecated Use {@link SourceAtom}; kept for callers of the first cut. */
export type AssembledAtom = SourceAtom;

/** What L2 checks a file against beyond its own text. */
export interface ModuleContext {
  /** Every source file path of the plan (import targets). */
  planFiles: readonly string[];
  /** Third-party packages the plan declares. @defaultValue [] */
  packages?: readonly string[];
  /** The task's drafted code: every name it exports must still be exported. */
  draft?: string;
  /** `planFiles` indexed once per plan (L2 runs per file); built from `planFiles` when absent. */
  modules?: PlanModules;
}

/** A file is its atoms' code concatenated in order. */
export function assembleFile(atoms: readonly { code: string }[]): string {
  return atoms.map((a) => a.code).join('');
}

/**
 * L2 module: the assembled file parses; no name is defined twice at top level; every import
 * resolves to a file of the plan, a built-in or a declared package; the names the task's draft
 * exported are still exported. Each diagnostic names the atom holding its line (or, for a lost
 * export, the atom that defined the name in the draft).
 */
export function validateModule(
  file: string,
  atoms: readonly SourceAtom[],
  context?: ModuleContext,
): Diagnostic[] {
  const code = assembleFile(atoms);
  const lines = atomLineRanges(atoms);
  const locate = (_f: string, line: number) => atomAtLine(lines, line);
  const syntax = syntaxDiagnostics(file, code, 'module');
  if (syntax.length > 0 || !context) return attachAtoms(syntax, locate);

  const modules = context.modules ?? new PlanModules(context.planFiles);
  const external = {
    packages: context.packages ?? [],
    pythonStdlib: isPythonFile(file) ? pythonFacts()?.stdlib : undefined,
  };
  const model = sourceModel(file, code, modules, external);
  const diagnostics: Diagnostic[] = [...duplicateDefinitions(file, model.definitions)];
  diagnostics.push(...unresolvedImports(file, model.imports));
  if (context.draft !== undefined)
    diagnostics.push(...lostExports(file, code, context.draft, atoms));
  return attachAtoms(diagnostics, locate);
}

function duplicateDefinitions(file: string, definitions: readonly Definition[]): Diagnostic[] {
  const seen = new Map<string, number>();
  const out: Diagnostic[] = [];
  for (const d of definitions) {
    if (d.kind !== 'value') continue;
    const first = seen.get(d.name);
    if (first === undefined) seen.set(d.name, d.line);
    else
      out.push({
        level: 'module',
        file,
        line: d.line,
        message: `duplicate definition of "${d.name}" (first defined on line ${first})`,
      });
  }
  return out;
}

function unresolvedImports(file: string, imports: readonly ResolvedImport[]): Diagnostic[] {
  // A guarded import (`try: import ujson except ImportError:`) may be missing by design.
  return imports.flatMap(({ target, line, guarded }) =>
    target.kind === 'unresolved' && !guarded
      ? [{ level: 'module' as const, file, line, message: `unresolved import: ${target.reason}` }]
      : [],
  );
}

function lostExports(
  file: string,
  code: string,
  draft: string,
  atoms: readonly SourceAtom[],
): Diagnostic[] {
  const exported = (text: string) =>
    new Set(
      moduleSymbols(file, text)
        .definitions.filter((d) => d.exported)
        .map((d) => d.name),
    );
  const now = exported(code);
  return [...exported(draft)]
    .filter((name) => !now.has(name))
    .map((name) => {
      const owner = atoms.find((a) => a.name === name || a.defines?.includes(name));
      return {
        level: 'module' as const,
        file,
        message: `the task's declared export "${name}" is missing`,
        ...(owner ? { atomId: owner.id } : {}),
      };
    });
}
