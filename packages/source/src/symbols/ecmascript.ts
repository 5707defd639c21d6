import { patternNames, type TreeNode } from '@mge/atomizer';
import { functionScope, sameNode, SymbolCollector } from './collector.js';
import {
  exportStatement,
  importStatement,
  moduleExportsAssignment,
  requireCall,
} from './ecmascript-modules.js';
import {
  newScope,
  type BindingKind,
  type FileSymbols,
  type ReferenceKind,
  type Scope,
} from './types.js';
import type { FileLanguage } from '@mge/core';

const SKIP = new Set([
  'comment',
  'string',
  'number',
  'regex',
  'property_identifier',
  'predefined_type',
  'this',
  'super',
  'true',
  'false',
  'null',
  'undefined',
]);
const FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_signature',
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
  'method_definition',
  'method_signature',
  'abstract_method_signature',
  'construct_signature',
  'call_signature',
  'function_type',
  'constructor_type',
]);
const DECLARED_FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_signature',
]);
const CLASSES = new Set(['class_declaration', 'abstract_class_declaration', 'class']);
const BLOCKS = new Set([
  'statement_block',
  'for_statement',
  'for_in_statement',
  'switch_body',
  'catch_clause',
  'class_body',
]);

/**
 * Walks a TypeScript / JavaScript tree once: declarations go into their lexical scope (hoisting
 * falls out because references are resolved after the walk), references keep their scope.
 */
export class EcmaScriptWalker extends SymbolCollector {
  constructor(path: string, language: FileLanguage) {
    super(path, language);
  }

  static collect(root: TreeNode, path: string, language: FileLanguage): FileSymbols {
    const walker = new EcmaScriptWalker(path, language);
    walker.children(root, walker.module, 'reference');
    return walker.result();
  }

  children(node: TreeNode, scope: Scope, kind: ReferenceKind): void {
    for (const child of node.namedChildren) this.visit(child, scope, kind);
  }

  visitField(node: TreeNode, field: string, scope: Scope, kind: ReferenceKind = 'reference'): void {
    const child = node.childForFieldName(field);
    if (child) this.visit(child, scope, kind);
  }

  visit(node: TreeNode, scope: Scope, kind: ReferenceKind): void {
    const type = node.type;
    if (SKIP.has(type)) return;
    if (FUNCTIONS.has(type)) return this.functionLike(node, scope);
    if (CLASSES.has(type)) return this.classLike(node, scope);
    if (BLOCKS.has(type)) return this.block(node, scope);
    switch (type) {
      case 'identifier':
      case 'shorthand_property_identifier':
        return this.reference(node, scope, kind, undefined, 'value');
      case 'type_identifier':
        return this.reference(
          node,
          scope,
          kind === 'inheritance' ? 'inheritance' : 'type',
          undefined,
          'type',
        );
      case 'nested_type_identifier':
        return this.qualified(
          node.childForFieldName('module'),
          node.childForFieldName('name'),
          scope,
          kind === 'inheritance' ? kind : 'type',
        );
      case 'member_expression':
        return this.qualified(
          node.childForFieldName('object'),
          node.childForFieldName('property'),
          scope,
          kind,
        );
      case 'call_expression':
        if (requireCall(node)) return;
        this.visitField(node, 'function', scope, 'call');
        this.visitField(node, 'type_arguments', scope);
        return this.visitField(node, 'arguments', scope);
      case 'new_expression':
        this.visitField(node, 'constructor', scope, 'call');
        this.visitField(node, 'type_arguments', scope);
        return this.visitField(node, 'arguments', scope);
      case 'decorator':
        return this.children(node, scope, 'call');
      case 'class_heritage':
      case 'extends_clause':
      case 'implements_clause':
      case 'extends_type_clause':
        return this.children(node, scope, 'inheritance');
      case 'type_query':
        return this.children(node, scope, 'type');
      case 'lexical_declaration':
      case 'variable_declaration':
        return this.variables(node, type === 'variable_declaration' ? functionScope(scope) : scope);
      case 'interface_declaration':
      case 'type_alias_declaration':
        return this.typeDeclaration(node, scope);
      case 'enum_declaration':
        this.declareField(node, scope, 'variable');
        return this.visitField(node, 'body', scope);
      case 'internal_module':
      case 'module':
        this.declareField(node, scope, 'namespace');
        return this.visitField(node, 'body', newScope('block', scope));
      case 'type_parameter':
        this.declareField(node, scope, 'type');
        this.visitField(node, 'constraint', scope, 'type');
        return this.visitField(node, 'value', scope, 'type');
      case 'import_statement':
        return importStatement(this, node);
      case 'export_statement':
        return exportStatement(this, node, scope);
      case 'assignment_expression':
        moduleExportsAssignment(this, node);
        return this.children(node, scope, 'reference');
      case 'labeled_statement':
      case 'break_statement':
      case 'continue_statement':
        return this.visitField(node, 'body', scope);
      default:
        return this.children(node, scope, kind === 'call' ? 'reference' : kind);
    }
  }

  /** `a.b`: a reference to `a` that remembers `b`, so a namespace import resolves to the module's `b`. */
  private qualified(
    object: TreeNode | null,
    property: TreeNode | null,
    scope: Scope,
    kind: ReferenceKind,
  ): void {
    if (!object) return;
    if (object.type === 'identifier') this.reference(object, scope, kind, property?.text);
    else this.visit(object, scope, 'reference');
  }

  private declareField(node: TreeNode, scope: Scope, kind: BindingKind): void {
    const name = node.childForFieldName('name');
    if (name && (name.type === 'identifier' || name.type === 'type_identifier'))
      this.declare(scope, name, kind);
  }

  private functionLike(node: TreeNode, scope: Scope): void {
    if (DECLARED_FUNCTIONS.has(node.type)) this.declareField(node, scope, 'function');
    const inner = newScope('function', scope);
    // A named function expression sees its own name; nobody outside does.
    if (!DECLARED_FUNCTIONS.has(node.type) && node.type !== 'method_definition')
      this.declareField(node, inner, 'function');
    const name = node.childForFieldName('name');
    if (name?.type === 'computed_property_name') this.visit(name, scope, 'reference');
    const single = node.childForFieldName('parameter');
    if (single) this.declare(inner, single, 'parameter');
    for (const child of node.namedChildren) {
      if (child.type === 'formal_parameters') this.parameters(child, inner);
      else if (!sameNode(child, name) && !sameNode(child, single))
        this.visit(child, inner, 'reference');
    }
  }

  private parameters(list: TreeNode, scope: Scope): void {
    for (const param of list.namedChildren) {
      if (param.type === 'comment') continue;
      const pattern = param.childForFieldName('pattern') ?? param;
      const { names, evaluated } = patternNames(pattern);
      for (const name of names) this.declare(scope, name, 'parameter');
      for (const expr of evaluated) this.visit(expr, scope, 'reference');
      if (!sameNode(pattern, param)) {
        for (const child of param.namedChildren)
          if (!sameNode(child, pattern)) this.visit(child, scope, 'reference');
      }
    }
  }

  private classLike(node: TreeNode, scope: Scope): void {
    const inner = newScope('block', scope);
    if (node.type === 'class') this.declareField(node, inner, 'class');
    else this.declareField(node, scope, 'class');
    const name = node.childForFieldName('name');
    for (const child of node.namedChildren)
      if (!sameNode(child, name)) this.visit(child, inner, 'reference');
  }

  private block(node: TreeNode, scope: Scope): void {
    const inner = newScope('block', scope);
    if (node.type === 'for_in_statement') {
      const left = node.childForFieldName('left');
      const declared = node.childForFieldName('kind') !== null;
      for (const child of node.namedChildren) {
        if (sameNode(child, left) && declared)
          this.bindPattern(
            child,
            node.childForFieldName('kind')!.text === 'var' ? functionScope(scope) : inner,
            'variable',
          );
        else this.visit(child, inner, 'reference');
      }
      return;
    }
    if (node.type === 'catch_clause') {
      const param = node.childForFieldName('parameter');
      if (param) this.bindPattern(param, inner, 'variable');
      for (const child of node.namedChildren)
        if (!sameNode(child, param)) this.visit(child, inner, 'reference');
      return;
    }
    this.children(node, inner, 'reference');
  }

  private variables(node: TreeNode, scope: Scope): void {
    for (const declarator of node.namedChildren) {
      if (declarator.type !== 'variable_declarator') {
        this.visit(declarator, scope, 'reference');
        continue;
      }
      const name = declarator.childForFieldName('name');
      const value = declarator.childForFieldName('value');
      if (name && value && requireCall(value) !== undefined)
        this.requireBinding(name, value, scope);
      else if (name) this.bindPattern(name, scope, bindingKindOf(value));
      this.visitField(declarator, 'type', scope);
      if (value) this.visit(value, scope, 'reference');
    }
  }

  /** `const m = require('./m')` binds the module; `const { a, b: c } = require('./m')` binds its exports. */
  private requireBinding(name: TreeNode, value: TreeNode, scope: Scope): void {
    const source = requireCall(value)!;
    if (name.type === 'identifier') {
      this.declare(scope, name, 'import', { source, imported: '*' });
      return;
    }
    for (const prop of name.namedChildren) {
      const local =
        prop.type === 'pair_pattern'
          ? prop.childForFieldName('value')
          : prop.type === 'object_assignment_pattern'
            ? prop.childForFieldName('left')
            : prop;
      const imported =
        prop.type === 'pair_pattern' ? prop.childForFieldName('key')?.text : local?.text;
      if (
        local &&
        imported &&
        (local.type === 'identifier' || local.type === 'shorthand_property_identifier_pattern')
      ) {
        this.declare(scope, local, 'import', { source, imported });
      }
    }
  }

  bindPattern(pattern: TreeNode, scope: Scope, kind: BindingKind): void {
    const { names, evaluated } = patternNames(pattern);
    for (const name of names) this.declare(scope, name, kind);
    for (const expr of evaluated) this.visit(expr, scope, 'reference');
  }

  private typeDeclaration(node: TreeNode, scope: Scope): void {
    this.declareField(node, scope, 'type');
    const inner = newScope('block', scope);
    const name = node.childForFieldName('name');
    for (const child of node.namedChildren)
      if (!sameNode(child, name))
        this.visit(child, inner, node.type === 'type_alias_declaration' ? 'type' : 'reference');
  }
}

function bindingKindOf(value: TreeNode | null): BindingKind {
  if (!value) return 'variable';
  if (
    value.type === 'arrow_function' ||
    value.type === 'function_expression' ||
    value.type === 'function'
  )
    return 'function';
  if (value.type === 'class') return 'class';
  return 'variable';
}
