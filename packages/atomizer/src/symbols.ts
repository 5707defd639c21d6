import type { SyntaxNode } from './parser.js';
import { patternNames } from './patterns.js';

const MEMBER_NAME_TYPES = new Set(['property_identifier', 'private_property_identifier']);
const IDENTIFIER_TYPES = new Set([
  'identifier',
  'type_identifier',
  'shorthand_property_identifier',
]);

/** Names a top-level statement introduces into its module scope. */
export function definedNames(node: SyntaxNode): string[] {
  const names = new Set<string>();
  collectDefinitions(node, names);
  return [...names];
}

function collectDefinitions(node: SyntaxNode, names: Set<string>): void {
  switch (node.type) {
    case 'export_statement': {
      const declaration = node.childForFieldName('declaration');
      if (declaration) collectDefinitions(declaration, names);
      return;
    }
    case 'decorated_definition': {
      const definition = node.childForFieldName('definition');
      if (definition) collectDefinitions(definition, names);
      return;
    }
    case 'lexical_declaration':
    case 'variable_declaration':
      for (const declarator of node.namedChildren) {
        const name = declarator.childForFieldName('name');
        if (name) collectPatternNames(name, names);
      }
      return;
    case 'expression_statement': {
      // Python module-level assignment: `x = ...`, `a, b = ...`, `x: int = ...`, `a = b = ...`
      const inner = node.namedChild(0);
      if (inner?.type === 'internal_module') collectDefinitions(inner, names); // `namespace N {}`
      for (
        let assignment = inner;
        assignment?.type === 'assignment';
        assignment = assignment.childForFieldName('right')
      ) {
        const left = assignment.childForFieldName('left');
        if (left) collectPatternNames(left, names);
      }
      return;
    }
    case 'import_statement':
    case 'import_from_statement':
      for (const name of importedNames(node)) names.add(name);
      return;
    case 'try_statement':
    case 'if_statement':
    case 'with_statement':
    case 'block':
    case 'else_clause':
    case 'elif_clause':
    case 'except_clause':
    case 'finally_clause':
      // Module-level `try: import x except ImportError: x = None` and `if TYPE_CHECKING:` define names too.
      for (const child of node.namedChildren)
        if (child.type !== 'comment') collectDefinitions(child, names);
      return;
    default: {
      const name = node.childForFieldName('name');
      // Methods and fields are named by property identifiers (`run() {}`, `#secret = 1`).
      if (name && (IDENTIFIER_TYPES.has(name.type) || MEMBER_NAME_TYPES.has(name.type)))
        names.add(name.text);
    }
  }
}

function collectPatternNames(pattern: SyntaxNode, names: Set<string>): void {
  for (const name of patternNames(pattern).names) names.add(name.text);
}

/** The local names an import binds (ES modules and Python). */
export function importedNames(node: SyntaxNode): string[] {
  const names: string[] = [];
  const walk = (n: SyntaxNode): void => {
    switch (n.type) {
      case 'import_specifier': {
        const local = n.childForFieldName('alias') ?? n.childForFieldName('name');
        if (local) names.push(local.text);
        return;
      }
      case 'namespace_import':
      case 'import_clause':
        for (const child of n.namedChildren) {
          if (child.type === 'identifier') names.push(child.text);
          else walk(child);
        }
        return;
      case 'import_require_clause': {
        // TypeScript `import x = require('m')`
        const local = n.namedChildren.find((c) => c.type === 'identifier');
        if (local) names.push(local.text);
        return;
      }
      case 'aliased_import': {
        const alias = n.childForFieldName('alias');
        if (alias) names.push(alias.text);
        return;
      }
      case 'dotted_name':
        // `import os.path` binds `os`; `from x import y` binds `y` (module_name is skipped below).
        if (n.firstNamedChild) names.push(n.firstNamedChild.text);
        return;
      default:
        for (const child of n.namedChildren) walk(child);
    }
  };
  if (node.type === 'import_from_statement') {
    for (const child of node.childrenForFieldName('name')) walk(child);
  } else {
    for (const child of node.namedChildren) if (child.type !== 'string') walk(child);
  }
  return names;
}

/**
 * Identifiers a statement references. A first cut: every identifier that is not a member name
 * (`obj.member`, `{ key: v }`). Scope-aware resolution belongs to packages/graph.
 */
export function usedNames(node: SyntaxNode): string[] {
  if (node.type === 'import_statement' || node.type === 'import_from_statement')
    return importedNames(node);
  const names = new Set<string>();
  const walk = (n: SyntaxNode): void => {
    if (
      n.type === 'identifier' ||
      n.type === 'type_identifier' ||
      n.type === 'shorthand_property_identifier'
    ) {
      const parent = n.parent;
      const isPythonAttribute =
        parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id;
      const isKeywordArgName =
        parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id;
      if (!isPythonAttribute && !isKeywordArgName) names.add(n.text);
      return;
    }
    for (const child of n.namedChildren) walk(child);
  };
  walk(node);
  return [...names];
}
