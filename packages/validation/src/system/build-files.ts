import ts from 'typescript';
import { fileLanguage } from '@mge/core';
import { emittedPath, PlanModules } from '@mge/source';
import { assembleFile } from '../module-level.js';
import type { PlanSources } from '../plan-files.js';
import { NODE_HARNESS } from './node-harness.js';
import { rewriteRuntimeSpecifiers } from './runtime-specifiers.js';
import type { WorkspaceFile } from './workspace.js';

const ESM_SYNTAX = /^\s*(?:import\s*[\w{*'"]|export\s)/m;

/** Where a plan file runs (`src/a.ts` -> `src/a.js`, `src/v.jsx` -> `src/v.js`); a declaration file keeps its path. */
export function runtimePath(file: string): string {
  return emittedPath(file) ?? file;
}

/** TypeScript and JSX need the compiler before node runs them. */
const TRANSPILED = /\.((m|c)?tsx?|jsx)$/i;

/**
 * The files a test run needs. TypeScript and JSX are transpiled file by file (`transpileModule`) to ES
 * modules with inline source maps, so stack traces name the plan's own .ts lines; JavaScript is
 * copied. Relative specifiers are rewritten to the emitted files the plan's one module resolver
 * picks (what L2 and L3 accepted), so extensionless and directory imports run under node's ES
 * module loader. The package.json makes node treat .js as ESM when the code uses import/export.
 * A test entry that is no source file (JSON data) is written as is and not run.
 */
export function testRunFiles(plan: PlanSources): { files: WorkspaceFile[]; tests: string[] } {
  const files: WorkspaceFile[] = [];
  const all = [
    ...plan.files.map((f) => ({ path: f.path, code: assembleFile(f.atoms) })),
    ...plan.tests.map((t) => ({ path: t.path, code: t.code })),
  ];
  const python = plan.language === 'python';
  const modules = new PlanModules(all.map((f) => f.path));
  const esm = all.some((f) => {
    const language = fileLanguage(f.path);
    return (
      language === 'typescript' ||
      language === 'tsx' ||
      (language === 'javascript' && ESM_SYNTAX.test(f.code) && !f.path.endsWith('.cjs'))
    );
  });
  for (const file of all) {
    const language = fileLanguage(file.path);
    const target = emittedPath(file.path);
    if (TRANSPILED.test(file.path)) {
      if (target === undefined) continue;
      const output = ts.transpileModule(file.code, {
        fileName: file.path,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          inlineSourceMap: true,
          jsx: ts.JsxEmit.ReactJSX,
        },
      });
      const content = rewriteRuntimeSpecifiers(output.outputText, file.path, modules, true);
      files.push({ path: target, content });
    } else if (language === 'javascript') {
      const moduleEsm = file.path.endsWith('.mjs') || (esm && !file.path.endsWith('.cjs'));
      const content = rewriteRuntimeSpecifiers(file.code, file.path, modules, moduleEsm);
      files.push({ path: file.path, content });
    } else {
      files.push({ path: file.path, content: file.code });
    }
  }
  if (!python) {
    files.push({
      path: 'package.json',
      content: JSON.stringify({ type: esm ? 'module' : 'commonjs' }),
    });
    files.push({ path: '.mge/harness.mjs', content: NODE_HARNESS });
  }
  const runnable = plan.tests.filter((t) => {
    const language = fileLanguage(t.path);
    return python ? language === 'python' : language !== undefined && language !== 'python';
  });
  const tests = runnable.map((t) => (python ? t.path : runtimePath(t.path)));
  return { files, tests };
}
