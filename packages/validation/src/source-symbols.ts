import { parseSource, type SyntaxNode } from '@mge/atomizer';
import { fileLanguage } from '@mge/core';

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
}

export interface ModuleSymbols {
  definitions: Definition[];
  imports: ModuleImport[];
}

const line = (node: SyntaxNode) => node.startPosition.row + 1;
const unquote = (text: string) => text.replace(/^['"`]|['"`]$/g, '');

/** Top-level definitions and imports of a source file (tree-sitter; tolerant of parse errors). */
export function moduleSymbols(file: string, code: string): ModuleSymbols {
  const language = fileLanguage(file);
  if (!language) return { definitions: [], imports: [] };
  const root = parseSource(code, language).rootNode;
  return language === 'python' ? pythonSymbols(root) : scriptSymbols(root);
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
          const name = declarator.childForFieldName('name');
          if (name?.type === 'identifier')
            definitions.push({
              name: name.text,
              line: line(declarator),
              exported,
              // `var` may legally be redeclared.
              kind: node.type === 'lexical_declaration' ? 'value' : 'type',
            });
        }
        break;
      default:
        break;
    }
  };
  for (const node of root.namedChildren) {
    if (node.type === 'import_statement') {
      const source = node.childForFieldName('source');
      if (source)
        imports.push({
          source: unquote(source.text),
          names: importedNames(node),
          line: line(node),
          level: 0,
        });
    } else if (node.type === 'export_statement') {
      const declaration = node.childForFieldName('declaration');
      const source = node.childForFieldName('source');
      if (declaration) declare(declaration, true);
      if (source)
        imports.push({ source: unquote(source.text), names: [], line: line(node), level: 0 });
      const clause = node.namedChildren.find((c) => c.type === 'export_clause');
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
  return { definitions, imports };
}

/** `import { a, b as c } from 'x'` -> ['a', 'b']; default and namespace imports are not listed. */
function importedNames(node: SyntaxNode): string[] {
  const clause = node.namedChildren.find((c) => c.type === 'import_clause');
  const named = clause?.namedChildren.find((c) => c.type === 'named_imports');
  return (named?.namedChildren ?? [])
    .map((spec) => spec.childForFieldName('name')?.text)
    .filter((n): n is string => n !== undefined);
}

function pythonSymbols(root: SyntaxNode): ModuleSymbols {
  const definitions: Definition[] = [];
  const imports: ModuleImport[] = [];
  const visit = (node: SyntaxNode, decorators: string) => {
    switch (node.type) {
      case 'decorated_definition': {
        const inner = node.childForFieldName('definition');
        const text = node.namedChildren
          .filter((c) => c.type === 'decorator')
          .map((c) => c.text)
          .join(' ');
        if (inner) visit(inner, text);
        break;
      }
      case 'function_definition':
      case 'class_definition': {
        const name = node.childForFieldName('name');
        // @overload stubs and property-style redefinitions are legal duplicates.
        const kind = /overload|\.setter|\.deleter|register/.test(decorators) ? 'type' : 'value';
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
        const assignment = node.namedChildren[0];
        const target =
          assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
        if (target?.type === 'identifier')
          definitions.push({
            name: target.text,
            line: line(node),
            exported: !target.text.startsWith('_'),
            kind: 'type',
          });
        break;
      }
      case 'import_statement':
        for (const child of node.namedChildren) {
          const dotted = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
          const alias =
            child.type === 'aliased_import' ? child.childForFieldName('alias') : undefined;
          if (dotted) imports.push({ source: dotted.text, names: [], line: line(node), level: 0 });
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
        for (const child of node.namedChildren) {
          if (child === module || child.type === 'wildcard_import') continue;
          const name = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
          const alias = child.type === 'aliased_import' ? child.childForFieldName('alias') : child;
          if (name) names.push(name.text);
          if (alias)
            definitions.push({ name: alias.text, line: line(node), exported: false, kind: 'type' });
        }
        imports.push({ source, names, line: line(node), level });
        break;
      }
      default:
        break;
    }
  };
  for (const node of root.namedChildren) visit(node, '');
  return { definitions, imports };
}
