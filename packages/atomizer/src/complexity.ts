import type { SyntaxNode } from './parser.js';

/** Node types that add a decision point (McCabe), across the three grammars. */
const DECISION_NODES = new Set([
  'if_statement',
  'elif_clause',
  'for_statement',
  'for_in_statement',
  'while_statement',
  'do_statement',
  'switch_case',
  'case_clause',
  'catch_clause',
  'except_clause',
  'ternary_expression',
  'conditional_expression',
  'boolean_operator',
  'for_in_clause',
  'if_clause',
]);
const BOOLEAN_OPERATORS = new Set(['&&', '||', '??']);

/** Cyclomatic complexity from the AST: 1 + decision points (never substring matching). */
export function cyclomaticComplexity(node: SyntaxNode): number {
  let count = 1;
  const cursor = node.walk();
  let descending = true;
  for (;;) {
    if (descending) {
      const current = cursor.currentNode;
      if (DECISION_NODES.has(current.type)) count++;
      else if (current.type === 'binary_expression') {
        const operator = current.childForFieldName('operator')?.type;
        if (operator && BOOLEAN_OPERATORS.has(operator)) count++;
      }
      if (cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descending = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descending = false;
    if (cursor.currentNode.id === node.id) break;
  }
  return count;
}
