import type { TreeNode } from '@mge/atomizer';
import type { AtomLocator } from './atom-locator.js';

const FUNCTION_NODES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_definition',
  'method_definition',
  'arrow_function',
  'function_expression',
]);

/**
 * Ordering edges for constructs split across several atoms. A split function is a sequence: each
 * block depends on the one before (it may read any earlier local). A split class or other
 * container hangs its parts on its first atom (the header) and recurses into split members, so
 * unrelated methods stay parallel. Returns [prerequisite, dependent] atom positions.
 */
export function orderEdges(root: TreeNode, atoms: AtomLocator): [number, number][] {
  const edges: [number, number][] = [];
  const visit = (node: TreeNode): void => {
    const first = Math.max(0, atoms.indexAt(node.startIndex));
    const last = atoms.indexAt(Math.max(node.startIndex, node.endIndex - 1));
    if (last <= first) return;
    if (isFunction(node)) {
      for (let i = first; i < last; i++) edges.push([i, i + 1]);
      return;
    }
    for (const child of node.namedChildren) {
      const childLast = atoms.indexAt(Math.max(child.startIndex, child.endIndex - 1));
      const childFirst = Math.max(0, atoms.indexAt(child.startIndex));
      if (childLast > childFirst) visit(child);
    }
    for (let i = first + 1; i <= last; i++) edges.push([first, i]);
  };
  for (const statement of root.namedChildren) visit(statement);
  return edges;
}

function isFunction(node: TreeNode): boolean {
  if (FUNCTION_NODES.has(node.type)) return true;
  // `export function`, `@decorator def`, `const f = () => {}` wrap the function itself.
  const inner = node.childForFieldName('declaration') ?? node.childForFieldName('definition');
  return inner !== null && FUNCTION_NODES.has(inner.type);
}
