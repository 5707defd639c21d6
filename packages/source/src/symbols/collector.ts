import type { FileLanguage } from '@mge/core';
import type { TreeNode } from '@mge/atomizer';
import {
  newScope,
  type Binding,
  type BindingKind,
  type ExportTarget,
  type FileSymbols,
  type ImportSpec,
  type Reference,
  type ReferenceKind,
  type Scope,
  type Space,
} from './types.js';

/** Accumulates one file's bindings, references, imports and exports while a walker visits its tree. */
export class SymbolCollector {
  readonly module: Scope = newScope('module', undefined);
  readonly references: Reference[] = [];
  readonly exports = new Map<string, ExportTarget>();
  readonly starExports: FileSymbols['starExports'] = [];
  readonly imports: Binding[] = [];
  commonJs = false;

  constructor(
    readonly path: string,
    readonly language: FileLanguage,
  ) {}

  /** Binds `name` in `scope`; redeclarations are kept so a reference can pick the one it sees. */
  declare(scope: Scope, nameNode: TreeNode, kind: BindingKind, spec?: ImportSpec): Binding {
    return this.declareName(scope, nameNode.text, nameNode.startIndex, kind, spec);
  }

  declareName(
    scope: Scope,
    name: string,
    offset: number,
    kind: BindingKind,
    spec?: ImportSpec,
  ): Binding {
    const binding: Binding = spec ? { name, kind, offset, import: spec } : { name, kind, offset };
    const first = scope.names.get(name);
    if (!first) scope.names.set(name, binding);
    else if (first.offset !== offset) (first.others ??= []).push(binding);
    if (spec) this.imports.push(binding);
    return binding;
  }

  reference(
    nameNode: TreeNode,
    scope: Scope,
    kind: ReferenceKind,
    member?: string,
    space?: Space,
  ): void {
    const ref: Reference = { name: nameNode.text, offset: nameNode.startIndex, scope, kind };
    if (member !== undefined) ref.member = member;
    if (space !== undefined) ref.space = space;
    this.references.push(ref);
  }

  result(): FileSymbols {
    return {
      path: this.path,
      language: this.language,
      module: this.module,
      references: this.references,
      exports: this.exports,
      starExports: this.starExports,
      imports: this.imports,
      commonJs: this.commonJs,
    };
  }
}

/** The nearest enclosing function (or module) scope: where `var` and Python assignments bind. */
export function functionScope(scope: Scope): Scope {
  let s = scope;
  while (s.parent && s.kind !== 'function' && s.kind !== 'module') s = s.parent;
  return s;
}

/**
 * Whether two handles name the same syntax node. Compare nodes with this, never with `===`:
 * tree-sitter's Node binding hands out a new object for a node once its cache has moved on (after
 * an earlier walk of the same tree), so identity depends on what walked the tree before.
 */
export function sameNode(a: TreeNode | null | undefined, b: TreeNode | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}
