import { parseSource, type SyntaxNode } from '@mge/atomizer';
import { fileLanguage } from '@mge/core';

/** A CodeSearchNet-style pair: a function's doc comment (the query) and its code without it. */
export interface CodeSearchPair {
  /** `file:line`. */
  id: string;
  file: string;
  name: string;
  language: 'python' | 'javascript';
  /** The first paragraph of the doc comment. */
  query: string;
  /** The function with its doc comment and every comment removed. */
  code: string;
}

/**
 * CodeSearchNet's filters: a query of 3+ words, a function of 3+ lines, no tests or dunders; and
 * no signature-style docstrings (`name(args) -> type`), which would give the name away.
 */
const MIN_QUERY_WORDS = 3;
const MIN_CODE_LINES = 3;

/**
 * The documented functions of a Python or JavaScript file as query/code pairs (Husain et al.,
 * CodeSearchNet, 2019): a Python function's docstring, a JavaScript function's preceding JSDoc
 * block. Files of other languages give none.
 */
export function extractCodeSearchPairs(file: string, source: string): CodeSearchPair[] {
  const language = fileLanguage(file);
  if (language !== 'python' && language !== 'javascript') return [];
  const tree = parseSource(source, language, undefined, file);
  if (tree.rootNode.hasError) return [];
  const pairs: CodeSearchPair[] = [];
  const visit = (node: SyntaxNode) => {
    const pair = language === 'python' ? pythonPair(file, node) : javascriptPair(file, node);
    if (pair && keep(pair)) pairs.push(pair);
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(tree.rootNode);
  return pairs;
}

function keep(pair: CodeSearchPair): boolean {
  return (
    pair.query.split(/\s+/).length >= MIN_QUERY_WORDS &&
    pair.code.split('\n').filter((l) => l.trim() !== '').length >= MIN_CODE_LINES &&
    !/test/i.test(pair.name) &&
    !/^__\w+__$/.test(pair.name) &&
    !pair.query.includes(`${pair.name}(`)
  );
}

function pythonPair(file: string, node: SyntaxNode): CodeSearchPair | undefined {
  if (node.type !== 'function_definition') return undefined;
  const first = node.childForFieldName('body')?.namedChild(0);
  const docstring = first?.type === 'expression_statement' ? first.namedChild(0) : null;
  if (!first || docstring?.type !== 'string') return undefined;
  const text = docstring.text.replace(/^[rRbBuU]*("""|'''|"|')/, '').replace(/("""|'''|"|')$/, '');
  return {
    id: `${file}:${node.startPosition.row + 1}`,
    file,
    name: node.childForFieldName('name')?.text ?? '',
    language: 'python',
    query: firstParagraph(text),
    code: withoutComments(node, [first]),
  };
}

function javascriptPair(file: string, node: SyntaxNode): CodeSearchPair | undefined {
  if (node.type !== 'function_declaration') return undefined;
  const comment = node.previousNamedSibling;
  if (comment?.type !== 'comment' || !comment.text.startsWith('/**')) return undefined;
  if (comment.endPosition.row + 1 < node.startPosition.row) return undefined;
  const text = comment.text
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n');
  return {
    id: `${file}:${node.startPosition.row + 1}`,
    file,
    name: node.childForFieldName('name')?.text ?? '',
    language: 'javascript',
    query: firstParagraph(text.split(/^\s*@/m)[0] ?? ''),
    code: withoutComments(node, []),
  };
}

/** Up to the first blank line, on one line. */
function firstParagraph(text: string): string {
  return (text.trim().split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ').trim();
}

/** The node's text without the given nodes and without comment nodes, blank lines dropped. */
function withoutComments(node: SyntaxNode, drop: readonly SyntaxNode[]): string {
  const removed: SyntaxNode[] = [...drop];
  const collect = (n: SyntaxNode) => {
    if (n.type === 'comment') removed.push(n);
    else for (const child of n.namedChildren) if (child) collect(child);
  };
  collect(node);
  let text = node.text;
  for (const r of removed) text = text.replace(r.text, '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');
}
