import type { SyntaxNode } from '@mge/atomizer';

/**
 * The identifiers a binding pattern declares (`a`, `{ b: c, ...d }`, `[e = 1]`, Python `f, *g`)
 * and the expressions inside it that are evaluated (default values, computed keys), which are
 * references rather than declarations.
 */
export function patternNames(pattern: SyntaxNode): {
  names: SyntaxNode[];
  evaluated: SyntaxNode[];
} {
  const names: SyntaxNode[] = [];
  const evaluated: SyntaxNode[] = [];
  const walk = (node: SyntaxNode): void => {
    switch (node.type) {
      case 'identifier':
      case 'shorthand_property_identifier_pattern':
        names.push(node);
        return;
      case 'pair_pattern':
        evaluateKey(node.childForFieldName('key'), evaluated);
        walkField(node, 'value', walk);
        return;
      case 'assignment_pattern':
      case 'object_assignment_pattern':
        walkField(node, 'left', walk);
        pushField(node, 'right', evaluated);
        return;
      case 'required_parameter':
      case 'optional_parameter':
        walkField(node, 'pattern', walk);
        return;
      // Python: attribute and subscript targets assign into objects; they declare nothing.
      case 'attribute':
      case 'subscript':
      case 'member_expression':
      case 'subscript_expression':
        evaluated.push(node);
        return;
      default:
        for (const child of node.namedChildren) walk(child);
    }
  };
  walk(pattern);
  return { names, evaluated };
}

function walkField(node: SyntaxNode, field: string, walk: (n: SyntaxNode) => void): void {
  const child = node.childForFieldName(field);
  if (child) walk(child);
}

function pushField(node: SyntaxNode, field: string, into: SyntaxNode[]): void {
  const child = node.childForFieldName(field);
  if (child) into.push(child);
}

function evaluateKey(key: SyntaxNode | null, into: SyntaxNode[]): void {
  if (key?.type === 'computed_property_name') into.push(key);
}

/** The text of a string literal node without its quotes. */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  const fragment = node.namedChildren.find(
    (c) => c.type === 'string_fragment' || c.type === 'string_content',
  );
  if (fragment) return fragment.text;
  return node.text.length >= 2 ? node.text.slice(1, -1) : '';
}
