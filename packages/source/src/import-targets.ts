import { builtinModules } from 'node:module';
import path from 'node:path';
import {
  isPythonFile,
  isRelativeSpecifier,
  packageName,
  type PlanModules,
} from './plan-modules.js';

/** Where an import leads: a file of the plan, something outside it that is allowed, or nowhere. */
export type ImportTarget =
  { kind: 'plan'; file: string } | { kind: 'external' } | { kind: 'unresolved'; reason: string };

/** What may be imported from outside the plan. */
export interface ExternalModules {
  /** Third-party packages the plan declares (npm names or Python top-level modules). */
  packages: readonly string[];
  /** Python standard-library module names; undefined = unknown, so any top-level name passes. */
  pythonStdlib?: ReadonlySet<string> | undefined;
}

/**
 * Classifies one import of `fromFile`: a plan file (by {@link PlanModules.resolve}), a Node
 * built-in, the Python standard library or a declared package, or unresolved with the reason.
 * Python specifiers carry their leading dots (`..models`).
 */
export function importTarget(
  modules: PlanModules,
  fromFile: string,
  specifier: string,
  external: ExternalModules,
): ImportTarget {
  const file = modules.resolve(fromFile, specifier);
  if (file) return { kind: 'plan', file };
  return isPythonFile(fromFile)
    ? pythonOutside(modules, fromFile, specifier, external)
    : scriptOutside(specifier, external);
}

function scriptOutside(specifier: string, external: ExternalModules): ImportTarget {
  if (isRelativeSpecifier(specifier) || specifier.startsWith('/'))
    return { kind: 'unresolved', reason: `no file of the plan matches "${specifier}"` };
  const bare = specifier.replace(/^node:/, '');
  if (specifier.startsWith('node:') || builtinModules.includes(bare)) return { kind: 'external' };
  if (external.packages.includes(packageName(specifier))) return { kind: 'external' };
  return {
    kind: 'unresolved',
    reason: `"${specifier}" is neither a file of the plan, a Node.js built-in nor a declared package`,
  };
}

function pythonOutside(
  modules: PlanModules,
  fromFile: string,
  specifier: string,
  external: ExternalModules,
): ImportTarget {
  const dots = /^\.*/.exec(specifier)![0].length;
  const rest = specifier.slice(dots);
  if (dots > 0) {
    let dir = path.posix.dirname(fromFile);
    for (let i = 1; i < dots; i++) dir = path.posix.dirname(dir);
    // `from . import x` in a package without `__init__.py` names modules, checked name by name.
    if (rest === '') return { kind: 'external' };
    if (modules.isDirectory(path.posix.join(dir, rest.replace(/\./g, '/'))))
      return { kind: 'external' };
    return { kind: 'unresolved', reason: `no module of the plan matches "${specifier}"` };
  }
  const asPath = rest.replace(/\./g, '/');
  // A namespace package (a directory of the plan without `__init__.py`).
  if (modules.pythonRoots.some((root) => modules.isDirectory(path.posix.join(root, asPath))))
    return { kind: 'external' };
  const top = rest.split('.')[0]!;
  const planOwns = modules.pythonRoots.some(
    (root) =>
      modules.isDirectory(path.posix.join(root, top)) ||
      modules.files.has(path.posix.join(root, `${top}.py`)),
  );
  if (planOwns) return { kind: 'unresolved', reason: `"${rest}" is not a module of the plan` };
  if (
    external.packages.includes(top) ||
    external.pythonStdlib === undefined ||
    external.pythonStdlib.has(top)
  )
    return { kind: 'external' };
  return {
    kind: 'unresolved',
    reason: `"${rest}" is neither a module of the plan, the standard library nor a declared package`,
  };
}
