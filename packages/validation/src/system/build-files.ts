import ts from 'typescript';
import { fileLanguage } from '@mge/core';
import { assembleFile } from '../module-level.js';
import type { PlanSources } from '../plan-files.js';
import { NODE_HARNESS } from './node-harness.js';
import type { WorkspaceFile } from './workspace.js';

const ESM_SYNTAX = /^\s*(?:import\s*[\w{*'"]|export\s)/m;

/** `src/a.ts` -> `src/a.js` (what `./a.js` imports in the plan's code name). */
export function runtimePath(file: string): string {
  return file.replace(/\.(m|c)?tsx?$/, (_m, kind: string | undefined) => `.${kind ?? ''}js`);
}

/**
 * The files a test run needs. TypeScript is transpiled file by file (`transpileModule`) to ES
 * modules with inline source maps, so stack traces name the plan's own .ts lines; JavaScript is
 * copied. The package.json makes node treat .js as ESM when the code uses import/export.
 */
export function testRunFiles(plan: PlanSources): { files: WorkspaceFile[]; tests: string[] } {
  const files: WorkspaceFile[] = [];
  const all = [
    ...plan.files.map((f) => ({ path: f.path, code: assembleFile(f.atoms) })),
    ...plan.tests.map((t) => ({ path: t.path, code: t.code })),
  ];
  let esm = false;
  for (const file of all) {
    const language = fileLanguage(file.path);
    if (language === 'typescript' || language === 'tsx') {
      esm = true;
      const output = ts.transpileModule(file.code, {
        fileName: file.path,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          inlineSourceMap: true,
          jsx: ts.JsxEmit.ReactJSX,
        },
      });
      files.push({ path: runtimePath(file.path), content: output.outputText });
    } else {
      if (language === 'javascript' && ESM_SYNTAX.test(file.code)) esm = true;
      files.push({ path: file.path, content: file.code });
    }
  }
  if (plan.language !== 'python') {
    files.push({
      path: 'package.json',
      content: JSON.stringify({ type: esm ? 'module' : 'commonjs' }),
    });
    files.push({ path: '.mge/harness.mjs', content: NODE_HARNESS });
  }
  const tests = plan.tests.map((t) => (plan.language === 'python' ? t.path : runtimePath(t.path)));
  return { files, tests };
}
