import { parseSource, patternNames, stringValue, type SyntaxNode } from '@mge/atomizer';
import { fileLanguage } from '@mge/core';
import { requireCall } from './symbols/ecmascript-modules.js';
import { extractSymbols } from './symbols/extract-symbols.js';
import type { FileSymbols } from './symbols/types.js';

/** A top-level name a module defines, with its 1-based line. */
export interface Definition {
  name: string;
  line: number;
  exported: boolean;
  /** Value definitions count for duplicate checks; type-only ones (interfaces) merge legally. */
  kind: 'value' | 'type';
}

/** An import (or re-export) of a module. `names` are the imported bindings' original names. */
export interface ModuleImport {
  source: string;
  names: string[];
  line: number;
  /** Python relative import depth (`from ..x import y` is 2); 0 for absolute. */
  level: number;
  /**
   * Inside a module-level `if`/`try`/`with` (Python): it may be an optional import
   * (`try: import ujson except ImportError: ...`), so a missing target is not an error.
   */
  guarded?: true;
}

export interface ModuleSymbols {
  definitions: Definition[];
  imports: ModuleImport[];
}

const line = (node: SyntaxNode) => node.startPosition.row + 1;

/**
 * Top-level definitions and imports of a source file (tree-sitter; tolerant of parse errors).
 * Pass `root` when the caller already parsed `code` (with `file`'s language): nothing is parsed
 * twice. The names bound are the ones the graph's scope walk (`extractSymbols`) binds at module
 * level, through the same pattern walk (`patternNames`).
 */
export function moduleSymbols(file: string, code: string, root?: SyntaxNode): ModuleSymbols {
  const language = fileLanguage(file);
  if (!language) return { definitions: [], imports: [] };
  const tree = root ?? parseSource(code, language).rootNode;
  const symbols = language === 'python' ? pythonSymbols(tree) : scriptSymbols(tree);
  addScopeBindings(symbols, extractSymbols(tree, file, language), tree);
  return symbols;
}

/**
 * The scope walk decides which names the module level binds; the statement walk above adds what
 * a definition is (export flag, duplicate kind, line). Names only the scope walk finds (a Python
 * module-level `for` target, `with ... as f`, a `global` assigned in a function; a hoisted `var`
 * in a block) join as redeclarable definitions. Script imports stay imports.
 */
function addScopeBindings(symbols: ModuleSymbols, scope: FileSymbols, root: SyntaxNode): void {
  const known = new Set(symbols.definitions.map((d) => d.name));
  const python = scope.language === 'python';
  for (const first of scope.module.names.values()) {
    if (known.has(first.name) || (!python && first.kind === 'import')) continue;
    symbols.definitions.push({
      name: first.name,
      line: root.descendantForIndex(first.offset).startPosition.row + 1,
      exported: python ? !first.name.startsWith('_') : scope.exports.has(first.name),
      kind: 'type',
    });
  }
}

function scriptSymbols(root: SyntaxNode): ModuleSymbols {
  const definitions: Definition[] = [];
  const imports: ModuleImport[] = [];
  const declare = (node: SyntaxNode, exported: boolean) => {
    switch (node.type) {
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'enum_declaration': {
        const name = node.childForFieldName('name');
        if (name) definitions.push({ name: name.text, line: line(node), exported, kind: 'value' });
        break;
      }
      case 'interface_declaration':
      case 'type_alias_declaration':
      case 'function_signature': {
        const name = node.childForFieldName('name');
        if (name) definitions.push({ name: name.text, line: line(node), exported, kind: 'type' });
        break;
      }
      case 'lexical_declaration':
      case 'variable_declaration':
        for (const declarator of node.namedChildren.filter(
          (c) => c.type === 'variable_declarator',
        )) {
          const pattern = declarator.childForFieldName('name');
          // `const { a, b: c } = o` and `const [d, ...e] = xs` bind each name.
          for (const name of pattern ? patternNames(pattern).names : [])
            definitions.push({
              name: name.text,
              line: line(name),
              exported,
              // `var` may legally be redeclared.
              kind: node.type === 'lexical_declaration' ? 'value' : 'type',
            });
        }
        break;
      case 'internal_module':
      case 'module': {
        // `namespace N {}` merges with other declarations of N; `declare module 'x'` names no binding.
        const name = node.childForFieldName('name');
        if (name?.type === 'identifier')
          definitions.push({ name: name.text, line: line(node), exported, kind: 'type' });
        break;
      }
      case 'expression_statement':
        if (node.namedChildren[0]?.type === 'internal_module')
          declare(node.namedChildren[0], exported);
        break;
      case 'ambient_declaration':
        // `declare const x: number`, `declare function f(): void`: declarations without values.
        for (const inner of node.namedChildren) {
          const before = definitions.length;
          declare(inner, exported);
          for (const d of definitions.slice(before)) d.kind = 'type';
        }
        break;
      default:
        break;
    }
  };
  for (const node of root.namedChildren) {
    if (node.type === 'import_statement') {
      const require = node.namedChildren.find((c) => c.type === 'import_require_clause');
      // TypeScript's `import x = require('m')` carries its source in the clause.
      const source = stringValue((require ?? node).childForFieldName('source'));
      if (source !== undefined)
        imports.push({ source, names: importedNames(node), line: line(node), level: 0 });
    } else if (node.type === 'export_statement') {
      const declaration = node.childForFieldName('declaration');
      const source = stringValue(node.childForFieldName('source'));
      if (declaration) declare(declaration, true);
      if (source !== undefined) imports.push({ source, names: [], line: line(node), level: 0 });
      const clause = node.namedChildren.find((c) => c.type === 'export_clause');
      const namespace = node.namedChildren.find((c) => c.type === 'namespace_export');
      const alias = namespace?.namedChildren[0];
      // `export * as ns from './m'`
      if (alias)
        definitions.push({ name: alias.text, line: line(node), exported: true, kind: 'type' });
      for (const spec of clause?.namedChildren ?? []) {
        const alias = spec.childForFieldName('alias') ?? spec.childForFieldName('name');
        if (alias)
          definitions.push({ name: alias.text, line: line(spec), exported: true, kind: 'type' });
      }
      if (node.children.some((c) => c.type === 'default'))
        definitions.push({ name: 'default', line: line(node), exported: true, kind: 'type' });
    } else {
      declare(node, false);
    }
  }
  imports.push(...requireCalls(root));
  return { definitions, imports };
}

/** CommonJS `require('./x')` anywhere in the file (the graph follows them too). */
function requireCalls(root: SyntaxNode): ModuleImport[] {
  const found: ModuleImport[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    const source = requireCall(call);
    if (source !== undefined) found.push({ source, names: [], line: line(call), level: 0 });
  }
  return found;
}

/** `import { a, b as c } from 'x'` -> ['a', 'b']; default and namespace imports are not listed. */
function importedNames(node: SyntaxNode): string[] {
  const clause = node.namedChildren.find((c) => c.type === 'import_clause');
  const named = clause?.namedChildren.find((c) => c.type === 'named_imports');
  return (named?.namedChildren ?? [])
    .map((spec) => spec.childForFieldName('name')?.text)
    .filter((n): n is string => n !== undefined);
}

/** Module-level compound statements whose blocks bind module names (`try: import x` ...). */
const PYTHON_COMPOUND = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'finally_clause',
  'with_statement',
  'block',
]);

function pythonSymbols(root: SyntaxNode): ModuleSymbols {
  const definitions: Definition[] = [];
  const imports: ModuleImport[] = [];
  const bind = (target: SyntaxNode | null, at: SyntaxNode) => {
    // `a, b = ...` and `[a, *b] = ...` bind each name; `o.x = ...` and `d[k] = ...` bind none.
    for (const name of target ? patternNames(target).names : [])
      definitions.push({
        name: name.text,
        line: line(at),
        exported: !name.text.startsWith('_'),
        kind: 'type',
      });
  };
  /** `conditional`: inside `if`/`try`/`with` at module level, where alternatives may repeat a name. */
  const visit = (node: SyntaxNode, decorators: string, conditional: boolean) => {
    const addImport = (imp: ModuleImport) =>
      imports.push(conditional ? { ...imp, guarded: true } : imp);
    if (PYTHON_COMPOUND.has(node.type)) {
      for (const child of node.namedChildren) visit(child, '', true);
      return;
    }
    switch (node.type) {
      case 'decorated_definition': {
        const inner = node.childForFieldName('definition');
        const text = node.namedChildren
          .filter((c) => c.type === 'decorator')
          .map((c) => c.text)
          .join(' ');
        if (inner) visit(inner, text, conditional);
        break;
      }
      case 'function_definition':
      case 'class_definition': {
        const name = node.childForFieldName('name');
        // @overload stubs, property-style redefinitions and alternatives in `if`/`try` are legal duplicates.
        const kind =
          conditional || /overload|\.setter|\.deleter|register/.test(decorators) ? 'type' : 'value';
        if (name)
          definitions.push({
            name: name.text,
            line: line(node),
            exported: !name.text.startsWith('_'),
            kind,
          });
        break;
      }
      case 'expression_statement': {
        // `a = b = 1` binds both; `x: int = 1` binds x.
        for (
          let assignment = node.namedChildren[0];
          assignment?.type === 'assignment';
          assignment = assignment.childForFieldName('right') ?? undefined
        )
          bind(assignment.childForFieldName('left'), node);
        break;
      }
      case 'import_statement':
        for (const child of node.childrenForFieldName('name')) {
          const dotted = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
          const alias =
            child.type === 'aliased_import' ? child.childForFieldName('alias') : undefined;
          if (dotted) addImport({ source: dotted.text, names: [], line: line(node), level: 0 });
          const bound = alias?.text ?? dotted?.text.split('.')[0];
          if (bound)
            definitions.push({ name: bound, line: line(node), exported: false, kind: 'type' });
        }
        break;
      case 'import_from_statement': {
        const module = node.childForFieldName('module_name');
        if (!module) break;
        const relative = module.type === 'relative_import';
        const level = relative ? (/^\.+/.exec(module.text)?.[0].length ?? 0) : 0;
        const source = relative ? module.text.slice(level) : module.text;
        const names: string[] = [];
        // The imported names only: not the module name, a `*`, comments or line continuations.
        for (const child of node.childrenForFieldName('name')) {
          const name = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
          const alias = child.type === 'aliased_import' ? child.childForFieldName('alias') : child;
          if (name) names.push(name.text);
          if (alias)
            definitions.push({ name: alias.text, line: line(node), exported: false, kind: 'type' });
        }
        addImport({ source, names, line: line(node), level });
        break;
      }
      default:
        break;
    }
  };
  for (const node of root.namedChildren) visit(node, '', false);
  return { definitions, imports };
}
