import { patternNames, type TreeNode } from '@mge/atomizer';
import { sameNode, SymbolCollector } from './collector.js';
import {
  newScope,
  type BindingKind,
  type FileSymbols,
  type ReferenceKind,
  type Scope,
} from './types.js';

const SKIP = new Set([
  'comment',
  'string',
  'integer',
  'float',
  'true',
  'false',
  'none',
  'ellipsis',
  'pass_statement',
  'concatenated_string',
]);
const COMPREHENSIONS = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

/**
 * Walks a Python tree once with Python's scoping: assignments bind in the enclosing function (or
 * class body, or module); class bodies are invisible to the methods inside them; `global` sends a
 * name to the module; comprehensions have their own scope.
 */
export class PythonWalker extends SymbolCollector {
  private readonly globals = new Map<Scope, Set<string>>();

  static collect(root: TreeNode, path: string): FileSymbols {
    const walker = new PythonWalker(path, 'python');
    walker.children(root, walker.module, 'reference');
    return walker.result();
  }

  private children(node: TreeNode, scope: Scope, kind: ReferenceKind): void {
    for (const child of node.namedChildren) this.visit(child, scope, kind);
  }

  private field(
    node: TreeNode,
    name: string,
    scope: Scope,
    kind: ReferenceKind = 'reference',
  ): void {
    const child = node.childForFieldName(name);
    if (child) this.visit(child, scope, kind);
  }

  private visit(node: TreeNode, scope: Scope, kind: ReferenceKind): void {
    const type = node.type;
    if (SKIP.has(type)) return;
    if (COMPREHENSIONS.has(type)) return this.children(node, newScope('block', scope), 'reference');
    switch (type) {
      case 'identifier':
        return this.reference(node, scope, kind);
      case 'attribute':
        return this.attribute(node, scope, kind);
      case 'call':
        this.field(node, 'function', scope, 'call');
        return this.field(node, 'arguments', scope);
      case 'keyword_argument':
        return this.field(node, 'value', scope);
      case 'decorator':
        return this.children(node, scope, 'call');
      case 'type':
        return this.children(node, scope, kind === 'inheritance' ? kind : 'type');
      case 'decorated_definition':
        return this.children(node, scope, 'reference');
      case 'function_definition':
        return this.functionDefinition(node, scope);
      case 'lambda':
        return this.lambda(node, scope);
      case 'class_definition':
        return this.classDefinition(node, scope);
      case 'assignment':
      case 'augmented_assignment':
        return this.assignment(node, scope);
      case 'for_statement':
      case 'for_in_clause':
        this.bind(
          node.childForFieldName('left'),
          type === 'for_in_clause' ? scope : this.target(scope),
          'variable',
          scope,
        );
        this.field(node, 'right', scope);
        for (const child of node.namedChildren)
          if (
            !sameNode(child, node.childForFieldName('left')) &&
            !sameNode(child, node.childForFieldName('right'))
          )
            this.visit(child, scope, 'reference');
        return;
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        for (const child of node.namedChildren)
          if (!sameNode(child, alias)) this.visit(child, scope, 'reference');
        return this.bind(alias, this.target(scope), 'variable', scope);
      }
      case 'named_expression':
        this.bind(node.childForFieldName('name'), this.target(scope, true), 'variable', scope);
        return this.field(node, 'value', scope);
      case 'global_statement':
      case 'nonlocal_statement': {
        const set = this.globals.get(scope) ?? new Set<string>();
        for (const id of node.namedChildren) set.add(id.text);
        this.globals.set(scope, set);
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
        return this.importStatement(node, scope);
      default:
        return this.children(node, scope, kind === 'call' ? 'reference' : kind);
    }
  }

  /** `a.b.c`: a reference to `a` remembering `b` (a module attribute when `a` is an imported module). */
  private attribute(node: TreeNode, scope: Scope, kind: ReferenceKind): void {
    const object = node.childForFieldName('object');
    if (!object) return;
    if (object.type === 'identifier')
      this.reference(object, scope, kind, node.childForFieldName('attribute')?.text);
    else this.visit(object, scope, 'reference');
  }

  /** Where an assignment in `scope` binds: past comprehension scopes (for `:=`), or to the module after `global`. */
  private target(scope: Scope, pastComprehensions = false): Scope {
    let s = scope;
    if (pastComprehensions) while (s.kind === 'block' && s.parent) s = s.parent;
    return s;
  }

  private bind(pattern: TreeNode | null, scope: Scope, kind: BindingKind, evalScope: Scope): void {
    if (!pattern) return;
    const { names, evaluated } = patternNames(pattern);
    for (const name of names)
      this.declare(this.globals.get(scope)?.has(name.text) ? this.module : scope, name, kind);
    for (const expr of evaluated) this.visit(expr, evalScope, 'reference');
  }

  private assignment(node: TreeNode, scope: Scope): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    // `x += 1` reads x before rebinding it.
    if (node.type === 'augmented_assignment' && left) this.visit(left, scope, 'reference');
    this.field(node, 'type', scope, 'type');
    if (right) this.visit(right, scope, 'reference');
    this.bind(left, this.target(scope), right?.type === 'lambda' ? 'function' : 'variable', scope);
  }

  private functionDefinition(node: TreeNode, scope: Scope): void {
    const name = node.childForFieldName('name');
    if (name) this.bind(name, this.target(scope), 'function', scope);
    const inner = newScope('function', scope);
    this.parameters(node.childForFieldName('parameters'), inner, scope);
    this.field(node, 'return_type', scope, 'type');
    this.field(node, 'body', inner);
  }

  private lambda(node: TreeNode, scope: Scope): void {
    const inner = newScope('function', scope);
    this.parameters(node.childForFieldName('parameters'), inner, scope);
    this.field(node, 'body', inner);
  }

  /** Parameter names bind inside the function; annotations and defaults are evaluated outside it. */
  private parameters(list: TreeNode | null, inner: Scope, outer: Scope): void {
    for (const param of list?.namedChildren ?? []) {
      const name =
        param.childForFieldName('name') ??
        param.namedChildren.find((c) => c.type !== 'type') ??
        param;
      this.bind(name, inner, 'parameter', outer);
      this.field(param, 'type', outer, 'type');
      this.field(param, 'value', outer);
    }
  }

  private classDefinition(node: TreeNode, scope: Scope): void {
    const name = node.childForFieldName('name');
    if (name) this.bind(name, this.target(scope), 'class', scope);
    for (const arg of node.childForFieldName('superclasses')?.namedChildren ?? [])
      this.visit(arg, scope, arg.type === 'keyword_argument' ? 'reference' : 'inheritance');
    this.field(node, 'type_parameters', scope, 'type');
    this.field(node, 'body', newScope('class', scope));
  }

  /** `import a.b` binds `a`; `import a.b as c` binds c; `from .m import x as y` binds y; `from m import *` re-exports. */
  private importStatement(node: TreeNode, scope: Scope): void {
    const target = this.target(scope);
    const from =
      node.type === 'import_from_statement'
        ? node.childForFieldName('module_name')?.text
        : undefined;
    if (from !== undefined && node.namedChildren.some((c) => c.type === 'wildcard_import')) {
      this.starExports.push({ source: from, offset: node.startIndex });
      return;
    }
    for (const item of node.childrenForFieldName('name')) {
      const dotted = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
      const alias = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
      if (!dotted) continue;
      if (from !== undefined) {
        const local = alias ?? dotted.namedChildren.at(-1) ?? dotted;
        this.declare(target, local, 'import', { source: from, imported: dotted.text });
      } else if (alias) {
        this.declare(target, alias, 'import', { source: dotted.text, imported: '*' });
      } else {
        const head = dotted.namedChildren[0] ?? dotted;
        this.declare(target, head, 'import', { source: head.text, imported: '*' });
      }
    }
  }
}
