import { patternNames, stringValue, type TreeNode } from '@mge/atomizer';
import type { EcmaScriptWalker } from './ecmascript.js';
import type { Scope } from './types.js';

/** `require('x')` (or `require('x').member`): the module specifier, else undefined. */
export function requireCall(node: TreeNode): string | undefined {
  const call = node.type === 'member_expression' ? node.childForFieldName('object') : node;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== 'require')
    return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 1 ? stringValue(args[0]) : undefined;
}

/** `import d, { a as b } from 'm'`, `import * as ns from 'm'`, TypeScript `import x = require('m')`. */
export function importStatement(w: EcmaScriptWalker, node: TreeNode): void {
  const source = stringValue(node.childForFieldName('source'));
  for (const clause of node.namedChildren) {
    if (clause.type === 'import_require_clause') {
      const name = clause.namedChildren.find((c) => c.type === 'identifier');
      const from = stringValue(clause.childForFieldName('source'));
      if (name && from !== undefined)
        w.declare(w.module, name, 'import', { source: from, imported: '*' });
    }
    if (clause.type !== 'import_clause' || source === undefined) continue;
    for (const part of clause.namedChildren) {
      if (part.type === 'identifier')
        w.declare(w.module, part, 'import', { source, imported: 'default' });
      else if (part.type === 'namespace_import') {
        const name = part.namedChildren.find((c) => c.type === 'identifier');
        if (name) w.declare(w.module, name, 'import', { source, imported: '*' });
      } else if (part.type === 'named_imports') {
        for (const spec of part.namedChildren) {
          if (spec.type !== 'import_specifier') continue;
          const imported = spec.childForFieldName('name');
          const local = spec.childForFieldName('alias') ?? imported;
          if (imported && local)
            w.declare(w.module, local, 'import', {
              source,
              imported: stringValue(imported) ?? imported.text,
            });
        }
      }
    }
  }
}

/** Every form of `export`: declarations, `export default`, export lists, re-exports and `export *`. */
export function exportStatement(w: EcmaScriptWalker, node: TreeNode, scope: Scope): void {
  const source = stringValue(node.childForFieldName('source'));
  const isDefault = node.children.some((c) => c.type === 'default');
  const declaration = node.childForFieldName('declaration');
  if (declaration) {
    w.visit(declaration, scope, 'reference');
    for (const name of declaredNames(declaration)) {
      w.exports.set(isDefault ? 'default' : name.text, {
        kind: 'local',
        name: name.text,
        offset: name.startIndex,
      });
    }
    if (isDefault && declaredNames(declaration).length === 0)
      w.exports.set('default', { kind: 'location', offset: node.startIndex });
    return;
  }
  const value =
    node.childForFieldName('value') ?? node.namedChildren.find((c) => c.type === 'identifier');
  if (value) {
    w.exports.set(
      'default',
      value.type === 'identifier'
        ? { kind: 'local', name: value.text, offset: value.startIndex }
        : { kind: 'location', offset: node.startIndex },
    );
    w.visit(value, scope, 'reference');
    return;
  }
  let listed = false;
  for (const part of node.namedChildren) {
    if (part.type === 'export_clause') {
      listed = true;
      for (const spec of part.namedChildren) {
        if (spec.type !== 'export_specifier') continue;
        const name = spec.childForFieldName('name');
        if (!name) continue;
        const local = stringValue(name) ?? name.text;
        const exported = spec.childForFieldName('alias') ?? name;
        const as = stringValue(exported) ?? exported.text;
        if (source !== undefined)
          w.exports.set(as, { kind: 'reexport', source, imported: local, offset: name.startIndex });
        else {
          w.exports.set(as, { kind: 'local', name: local, offset: name.startIndex });
          w.reference(name, scope, 'reference');
        }
      }
    } else if (part.type === 'namespace_export' && source !== undefined) {
      listed = true;
      const alias = part.namedChildren[0];
      if (alias)
        w.exports.set(stringValue(alias) ?? alias.text, {
          kind: 'reexport',
          source,
          imported: '*',
          offset: alias.startIndex,
        });
    }
  }
  if (!listed && source !== undefined) w.starExports.push({ source, offset: node.startIndex });
}

/** Names a declaration binds at its own level (what `export <declaration>` exports). */
function declaredNames(declaration: TreeNode): TreeNode[] {
  if (declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration') {
    return declaration.namedChildren
      .filter((d) => d.type === 'variable_declarator')
      .flatMap((d) => {
        const name = d.childForFieldName('name');
        return name ? patternNames(name).names : [];
      });
  }
  const name = declaration.childForFieldName('name');
  return name && (name.type === 'identifier' || name.type === 'type_identifier') ? [name] : [];
}

/** CommonJS: `exports.a = ...`, `module.exports.a = ...`, `module.exports = { a, b: c }` or `= x`. */
export function moduleExportsAssignment(w: EcmaScriptWalker, node: TreeNode): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (left?.type !== 'member_expression' || !right) return;
  const object = left.childForFieldName('object')?.text;
  const property = left.childForFieldName('property')?.text;
  const statement = node.parent?.type === 'expression_statement' ? node.parent : node;
  if (object === 'exports' || object === 'module.exports') {
    w.commonJs = true;
    if (property) w.exports.set(property, { kind: 'location', offset: statement.startIndex });
    return;
  }
  if (object !== 'module' || property !== 'exports') return;
  w.commonJs = true;
  if (right.type === 'identifier') {
    w.exports.set('default', { kind: 'local', name: right.text, offset: right.startIndex });
    return;
  }
  w.exports.set('default', { kind: 'location', offset: statement.startIndex });
  if (right.type !== 'object') return;
  for (const prop of right.namedChildren) {
    if (prop.type === 'shorthand_property_identifier')
      w.exports.set(prop.text, { kind: 'local', name: prop.text, offset: prop.startIndex });
    else if (prop.type === 'pair') {
      const key = prop.childForFieldName('key');
      const value = prop.childForFieldName('value');
      if (!key) continue;
      w.exports.set(
        stringValue(key) ?? key.text,
        value?.type === 'identifier'
          ? { kind: 'local', name: value.text, offset: value.startIndex }
          : { kind: 'location', offset: prop.startIndex },
      );
    } else if (prop.type === 'method_definition') {
      const key = prop.childForFieldName('name');
      if (key) w.exports.set(key.text, { kind: 'location', offset: prop.startIndex });
    }
  }
}
