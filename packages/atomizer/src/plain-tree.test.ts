import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Parser from 'tree-sitter';
import JavaScript from 'tree-sitter-javascript';
import Python from 'tree-sitter-python';
import TypeScript from 'tree-sitter-typescript';
import { fileLanguage, type FileLanguage } from '@mge/core';
import { listSourceFiles, NODE_MODULES, pythonStdlib, sampleEvery } from './corpus.js';
import { parseSource, type SyntaxNode } from './parser.js';
import { plainTree, type PlainNode } from './plain-tree.js';

/** Field names each node type can have (node-types.json of the grammar); ERROR nodes get them all. */
function fieldsByType(grammar: unknown): Map<string, string[]> {
  const info = (grammar as { nodeTypeInfo: { type: string; fields?: Record<string, unknown> }[] })
    .nodeTypeInfo;
  const byType = new Map(info.map((t) => [t.type, Object.keys(t.fields ?? {})]));
  byType.set('ERROR', [...new Set([...byType.values()].flat())]);
  return byType;
}

const FIELDS: Record<FileLanguage, Map<string, string[]>> = {
  typescript: fieldsByType(TypeScript.typescript),
  tsx: fieldsByType(TypeScript.tsx),
  javascript: fieldsByType(JavaScript),
  python: fieldsByType(Python),
};

const position = (node: SyntaxNode | PlainNode | null) =>
  node && `${node.type}@${node.startIndex}-${node.endIndex}`;

/**
 * Every difference between tree-sitter's nodes and their plain copies: type, named flag, range,
 * text, preorder id, parent, children, named children, and the child (children) of every field the
 * grammar gives the node's type, as the binding's `childForFieldName` finds them. One quirk of the
 * binding is counted in `quirks` instead: for a field it can return a node that is not a child
 * (`typeof A.b.c` in a type: the outer member expression's `property` is `b`, a grandchild; the
 * copy gives `c`, the child the cursor reports in that field).
 */
function differences(
  tree: Parser.Tree,
  language: FileLanguage,
  copy = plainTree(tree),
  quirks = { count: 0 },
  limit = 10,
): string[] {
  const found: string[] = [];
  let preorder = 0;
  const compare = (native: SyntaxNode, plain: PlainNode, parent: PlainNode | null): void => {
    if (found.length >= limit) return;
    const where = `${position(native)}`;
    const same = (what: string, a: unknown, b: unknown) => {
      if (a !== b)
        found.push(`${where} ${what}: ${String(a)} (tree-sitter) vs ${String(b)} (copy)`);
    };
    same('type', native.type, plain.type);
    same('named', native.isNamed, plain.isNamed);
    same('start', native.startIndex, plain.startIndex);
    same('end', native.endIndex, plain.endIndex);
    same('text', native.text, plain.text);
    same('id', preorder++, plain.id);
    same('parent', parent, plain.parent);
    same(
      'named children',
      native.namedChildren.map(position).join(),
      plain.namedChildren.map(position).join(),
    );
    const childIds = new Set(native.children.map((c) => c.id));
    for (const field of FIELDS[language].get(native.type) ?? []) {
      const inField = native.childForFieldName(field);
      if (inField && !childIds.has(inField.id)) quirks.count++;
      else same(`field ${field}`, position(inField), position(plain.childForFieldName(field)));
      same(
        `fields ${field}`,
        native.childrenForFieldName(field).map(position).join(),
        plain.childrenForFieldName(field).map(position).join(),
      );
    }
    const children = native.children;
    same('child count', children.length, plain.children.length);
    children.forEach((child, i) => {
      if (plain.children[i]) compare(child, plain.children[i], plain);
    });
  };
  compare(tree.rootNode, copy, null);
  // The field each node fills, as a cursor reports it (the copy skips the read under node types
  // the grammar gives no fields).
  const cursor = tree.walk();
  const plain: PlainNode[] = [];
  const inPreorder = (node: PlainNode): void => {
    plain.push(node);
    node.children.forEach(inPreorder);
  };
  inPreorder(copy);
  let index = 0;
  const visit = (): void => {
    const node = plain[index++];
    if (found.length < limit && node?.fieldName !== cursor.currentFieldName)
      found.push(
        `${position(node ?? null)} field: ${cursor.currentFieldName} (tree-sitter) vs ${node?.fieldName} (copy)`,
      );
    if (!cursor.gotoFirstChild()) return;
    do visit();
    while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };
  visit();
  return found;
}

const stdlib = pythonStdlib();
const nodeModules = NODE_MODULES;
const samples: [string, string[]][] = [
  ['the Python standard library', sampleEvery(listSourceFiles([stdlib], ['.py']), 30)],
  [
    'TypeScript in node_modules',
    sampleEvery(listSourceFiles([path.join(nodeModules, 'zod', 'src')], ['.ts']), 30),
  ],
  [
    'JavaScript in node_modules',
    sampleEvery(
      listSourceFiles(
        ['express', 'pino', 'yaml', 'bullmq'].map((p) => path.join(nodeModules, p)),
        ['.js', '.mjs', '.cjs'],
      ),
      30,
    ),
  ],
];

describe('plainTree', () => {
  it.each(samples)('copies every node of a sample of %s exactly', (_name, files) => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    const problems: string[] = [];
    const quirks = { count: 0 };
    for (const file of files) {
      const language = fileLanguage(file)!;
      const tree = parseSource(readFileSync(file, 'utf8'), language);
      problems.push(
        ...differences(tree, language, plainTree(tree), quirks).map((d) => `${file}: ${d}`),
      );
    }
    expect(problems).toEqual([]);
    // The binding's field quirk is rare (2 fields in this TypeScript sample, none elsewhere).
    expect(quirks.count).toBeLessThan(10);
  });

  it.each([
    [
      'typescript' as const,
      'const s = "héllo 🎉";\nexport function f(a: number) { return a + s.length; }\n',
    ],
    ['tsx' as const, 'export const C = ({ x }: { x: string }) => <div title={x}>{x}</div>;\n'],
    // Syntax errors: ERROR and MISSING nodes are copied as they are.
    ['javascript' as const, 'function f( { return 1 }\nconst = 2;\nlet x = [1, 2\n'],
    [
      'python' as const,
      'def f(x):\n    if x:\n        return "ü"\n    # trailing\n\nclass C(:\n  pass\n',
    ],
  ])('copies %s with non-ASCII text and syntax errors exactly', (language, code) => {
    expect(differences(parseSource(code, language), language)).toEqual([]);
  });

  it('reports a difference when a copy is wrong (the comparison can fail)', () => {
    const tree = parseSource('const a = b;\n', 'typescript');
    const copy = plainTree(tree);
    const declarator = copy.namedChildren[0]!.namedChildren[0]!;
    expect(declarator.childForFieldName('value')?.text).toBe('b');
    // Reading a field the node lacks gives null, as the binding does.
    expect(declarator.childForFieldName('body')).toBeNull();
    expect(copy.text).toBe(tree.rootNode.text);
    const other = plainTree(parseSource('const a = c;\n', 'typescript'));
    expect(differences(tree, 'typescript', other)).toContain(
      'identifier@10-11 text: b (tree-sitter) vs c (copy)',
    );
  });

  it('copies a tree that has no children', () => {
    const copy = plainTree(parseSource('', 'python'));
    expect([copy.type, copy.children.length, copy.startIndex, copy.endIndex]).toEqual([
      'module',
      0,
      0,
      0,
    ]);
  });
});
