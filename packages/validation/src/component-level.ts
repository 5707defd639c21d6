import type { Diagnostic } from '@mge/core';
import { pythonCompileDiagnostics } from './component/python-compile.js';
import { pythonNameDiagnostics } from './component/python-names.js';
import { typeCheck } from './component/typescript-check.js';
import { atomLocator, attachAtoms } from './line-ranges.js';
import { assembleFile } from './module-level.js';
import type { LevelResult, PlanSources } from './plan-files.js';
import { pythonFacts } from './python-facts.js';
import type { SandboxOptions } from './sandbox/limits.js';

/**
 * L3 component: the plan's files checked together. TypeScript/JavaScript: one compiler program
 * (checkJs for JS) over sources and tests. Python: py_compile, then name and arity resolution
 * between the plan's modules. A diagnostic in a test file is mapped through its related location
 * (e.g. the declaration an argument count disagrees with) when it has one.
 */
export async function validateComponent(
  plan: PlanSources,
  sandbox: SandboxOptions,
): Promise<LevelResult> {
  const started = performance.now();
  const sources = plan.files.map((f) => ({ file: f, code: assembleFile(f.atoms) }));
  const locate = atomLocator(plan.files);
  let diagnostics: Diagnostic[];
  if (plan.language === 'python') {
    diagnostics = await pythonCompileDiagnostics(
      sources.map((s) => ({ path: s.file.path, content: s.code })),
      sandbox,
    );
    if (diagnostics.length === 0)
      diagnostics = pythonNameDiagnostics(sources, pythonFacts(), plan.packages ?? []);
    diagnostics = attachAtoms(diagnostics, locate);
  } else {
    const checked = typeCheck(plan.language, [
      ...sources.map((s) => ({ path: s.file.path, code: s.code })),
      ...plan.tests.map((t) => ({ path: t.path, code: t.code })),
    ]);
    diagnostics = checked.map(({ related, ...d }) => {
      const own = d.file !== undefined && d.line !== undefined ? locate(d.file, d.line) : undefined;
      const via = own ?? related.map((r) => locate(r.file, r.line)).find((id) => id !== undefined);
      return via ? { ...d, atomId: via } : d;
    });
  }
  return {
    level: 'component',
    scope: 'plan',
    passed: diagnostics.length === 0,
    diagnostics,
    durationMs: Math.round(performance.now() - started),
  };
}
