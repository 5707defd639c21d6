import type { FileLanguage } from '@mge/core';

/** What a name is bound to; decides the edge kind of a plain reference (data vs. reference). */
export type BindingKind =
  'function' | 'class' | 'variable' | 'type' | 'parameter' | 'import' | 'namespace';

/** How a reference uses a name; decides the edge kind. */
export type ReferenceKind = 'call' | 'type' | 'inheritance' | 'reference';

/**
 * What an import binds: `imported` is an export name, `'*'` for the whole module (ES namespace
 * import, CommonJS `require`, Python `import m`) or `'default'`.
 */
export interface ImportSpec {
  source: string;
  imported: string;
}

/** A lexical scope. Python class bodies are not visible from the functions nested in them. */
export interface Scope {
  parent: Scope | undefined;
  kind: 'module' | 'function' | 'block' | 'class';
  names: Map<string, Binding>;
}

/** A declared name. `offset` is the string index of its name in the file (locates its atom). */
export interface Binding {
  name: string;
  kind: BindingKind;
  offset: number;
  import?: ImportSpec;
  /** Later declarations of the same name in the same scope (reassignment, overloads, merging). */
  others?: Binding[];
}

/** TypeScript keeps types and values apart: `interface X` and `const X` can share a name. */
export type Space = 'type' | 'value';

/** A use of a name; `member` is the property read through it (`ns.member`), for module namespaces. */
export interface Reference {
  name: string;
  offset: number;
  scope: Scope;
  kind: ReferenceKind;
  member?: string;
  /** Which declarations it can name; undefined (Python) means any. */
  space?: Space;
}

/** What an exported name stands for in its module. */
export type ExportTarget =
  | { kind: 'local'; name: string; offset: number }
  | { kind: 'location'; offset: number }
  | { kind: 'reexport'; source: string; imported: string; offset: number };

/** Everything the resolver needs from one file. Offsets are string indexes into its code. */
export interface FileSymbols {
  path: string;
  language: FileLanguage;
  module: Scope;
  references: Reference[];
  /**
   * Explicit exports (ES modules, CommonJS). Python has none: every module-level name is an
   * attribute of the module.
   */
  exports: Map<string, ExportTarget>;
  /** `export * from` (ES) and `from m import *` (Python). */
  starExports: { source: string; offset: number }[];
  /** Assigns `module.exports` / `exports.x`: its default import is the exports object itself. */
  commonJs: boolean;
  /** Every import binding, including unused ones: an import statement depends on what it imports. */
  imports: Binding[];
}

/** Finds the binding a name has in `scope`, walking outwards. Python class scopes are skipped from inner functions. */
export function lookup(scope: Scope, name: string, space?: Space): Binding | undefined {
  let skipClasses = false;
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (!(skipClasses && s.kind === 'class')) {
      const binding = s.names.get(name);
      if (binding && (fits(binding, space) || binding.others?.some((b) => fits(b, space))))
        return binding;
    }
    if (s.kind === 'function') skipClasses = true;
  }
  return undefined;
}

/**
 * Of a name's declarations in one scope, the one a reference at `offset` sees: the nearest one
 * before it (module-level code runs top to bottom), else the first one after it (hoisting, and
 * function bodies that run after the whole module has loaded).
 */
export function declarationAt(binding: Binding, offset: number, space?: Space): Binding {
  if (!binding.others) return binding;
  const candidates = [binding, ...binding.others].filter((b) => fits(b, space));
  let best: Binding | undefined;
  for (const b of candidates) if (b.offset < offset && (!best || b.offset > best.offset)) best = b;
  return best ?? candidates[0] ?? binding;
}

/** Whether a declaration can be named from `space`: types are not values, variables are not types. */
function fits(binding: Binding, space: Space | undefined): boolean {
  if (space === 'type')
    return (
      binding.kind !== 'variable' && binding.kind !== 'function' && binding.kind !== 'parameter'
    );
  if (space === 'value') return binding.kind !== 'type';
  return true;
}

export function newScope(kind: Scope['kind'], parent: Scope | undefined): Scope {
  return { parent, kind, names: new Map() };
}
