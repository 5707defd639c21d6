import { builtinModules } from 'node:module';
import path from 'node:path';
import type { ModuleImport } from './source-symbols.js';

/** Where an import leads: a file of the plan, something outside it that is allowed, or nowhere. */
export type ImportTarget =
  { kind: 'plan'; file: string } | { kind: 'external' } | { kind: 'unresolved'; reason: string };

const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Package name of a bare specifier: `@scope/name/sub` -> `@scope/name`, `lodash/fp` -> `lodash`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Resolves a JS/TS import the way TypeScript's bundler/NodeNext resolution does for plan files:
 * `./money.js` may name `money.ts`; bare specifiers must be Node built-ins or declared packages.
 */
export function resolveScriptImport(
  fromFile: string,
  specifier: string,
  planFiles: ReadonlySet<string>,
  packages: readonly string[],
): ImportTarget {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    const stem = base.replace(/\.(m|c)?(j|t)sx?$/, '');
    const candidates = [
      base,
      ...SCRIPT_EXTENSIONS.map((ext) => stem + ext),
      ...SCRIPT_EXTENSIONS.map((ext) => `${base}/index${ext}`),
    ];
    const file = candidates.find((c) => planFiles.has(c));
    return file
      ? { kind: 'plan', file }
      : { kind: 'unresolved', reason: `no file of the plan matches "${specifier}"` };
  }
  const bare = specifier.replace(/^node:/, '');
  if (specifier.startsWith('node:') || builtinModules.includes(bare)) return { kind: 'external' };
  if (packages.includes(packageName(specifier))) return { kind: 'external' };
  return {
    kind: 'unresolved',
    reason: `"${specifier}" is neither a file of the plan, a Node.js built-in nor a declared package`,
  };
}

/** Dotted module names under which a plan's Python file can be imported (every path suffix). */
export function pythonModuleNames(file: string): string[] {
  const parts = file.replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.map((_, i) => parts.slice(i).join('.')).filter((n) => n !== '');
}

/** Index of a plan's Python modules by importable dotted name, plus package directories. */
export function pythonModuleIndex(files: readonly string[]): {
  files: Set<string>;
  modules: Map<string, string>;
  packages: Set<string>;
} {
  const modules = new Map<string, string>();
  const packages = new Set<string>();
  for (const file of files) {
    for (const name of pythonModuleNames(file)) if (!modules.has(name)) modules.set(name, file);
    const dirs = file.split('/').slice(0, -1);
    for (let i = 0; i < dirs.length; i++)
      for (let j = i + 1; j <= dirs.length; j++) packages.add(dirs.slice(i, j).join('.'));
  }
  return { files: new Set(files), modules, packages };
}

/** Resolves `import a.b` / `from .x import y` against the plan, the standard library and packages. */
export function resolvePythonImport(
  fromFile: string,
  imp: Pick<ModuleImport, 'source' | 'level'>,
  index: ReturnType<typeof pythonModuleIndex>,
  stdlib: ReadonlySet<string> | undefined,
  packages: readonly string[],
): ImportTarget {
  if (imp.level > 0) {
    let dir = path.posix.dirname(fromFile);
    for (let i = 1; i < imp.level; i++) dir = path.posix.dirname(dir);
    const rel = imp.source.replace(/\./g, '/');
    const base = rel ? path.posix.join(dir, rel) : dir;
    const file = [`${base}.py`, `${base}/__init__.py`].find((c) => index.files.has(c));
    if (file) return { kind: 'plan', file };
    // `from . import x` names modules of a package directory; checked per name by L3.
    if (rel === '') return { kind: 'external' };
    return {
      kind: 'unresolved',
      reason: `no module of the plan matches "${'.'.repeat(imp.level)}${imp.source}"`,
    };
  }
  const planFile = index.modules.get(imp.source);
  if (planFile) return { kind: 'plan', file: planFile };
  if (index.packages.has(imp.source)) return { kind: 'external' };
  const top = imp.source.split('.')[0]!;
  if (packages.includes(top) || stdlib === undefined || stdlib.has(top))
    return { kind: 'external' };
  if (index.modules.has(top) || index.packages.has(top))
    return { kind: 'unresolved', reason: `"${imp.source}" is not a module of the plan` };
  return {
    kind: 'unresolved',
    reason: `"${imp.source}" is neither a module of the plan, the standard library nor a declared package`,
  };
}
