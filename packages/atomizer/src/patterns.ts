import type { TreeNode } from './plain-tree.js';

/**
 * The identifiers a binding pattern declares (`a`, `{ b: c, ...d }`, `[e = 1]`, Python `f, *g`)
 * and the expressions inside it that are evaluated (default values, computed keys), which are
 * references rather than declarations. The nodes found are of the pattern's own kind (tree-sitter's
 * or {@link PlainNode} copies).
 */
export function patternNames<N extends TreeNode>(
  pattern: N,
): {
  names: N[];
  evaluated: N[];
} {
  const names: N[] = [];
  const evaluated: N[] = [];
  const walk = (node: N): void => {
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
        for (const child of node.namedChildren) walk(child as N);
    }
  };
  walk(pattern);
  return { names, evaluated };
}

function walkField<N extends TreeNode>(node: N, field: string, walk: (n: N) => void): void {
  const child = node.childForFieldName(field) as N | null;
  if (child) walk(child);
}

function pushField<N extends TreeNode>(node: N, field: string, into: N[]): void {
  const child = node.childForFieldName(field) as N | null;
  if (child) into.push(child);
}

function evaluateKey<N extends TreeNode>(key: TreeNode | null, into: N[]): void {
  if (key?.type === 'computed_property_name') into.push(key as N);
}

/** The text of a string literal node without its quotes. */
export function stringValue(node: TreeNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  const fragment = node.namedChildren.find(
    (c) => c.type === 'string_fragment' || c.type === 'string_content',
  );
  if (fragment) return fragment.text;
  return node.text.length >= 2 ? node.text.slice(1, -1) : '';
}
