import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { corpusSamples, parseSource, plainTree, type SyntaxNode } from '@mge/atomizer';
import { fileLanguage } from '@mge/core';
import { extractSymbols } from './symbols/extract-symbols.js';
import type { FileSymbols, Scope } from './symbols/types.js';

const walkAll = (node: SyntaxNode): void => {
  for (const child of node.namedChildren) walkAll(child);
};

/** Names and offsets of the references and module bindings: what the graph links. */
function facts(root: SyntaxNode, file: string, language: 'typescript' | 'python') {
  const symbols = extractSymbols(root, file, language);
  return {
    references: symbols.references.map((r) => `${r.name}@${r.offset}`),
    module: [...symbols.module.names.keys()],
  };
}

describe('extractSymbols on a tree another walk has visited (the tree is shared)', () => {
  // Node handles are not stable objects: after a full walk the binding hands out new ones, so
  // `child === name` stops matching (seen once a few thousand nodes were walked). The walk
  // compares node ids instead.
  const big = (unit: string) => Array.from({ length: 2000 }, (_, i) => unit.replace(/N/g, `${i}`));

  it.each([
    [
      'typescript' as const,
      'm.ts',
      big('class CN { m(a: number) { for (const x of [a]) { return x; } return 0; } }\n').join(''),
    ],
    [
      'python' as const,
      'm.py',
      big('class CN:\n    def m(self, a):\n        for x in [a]:\n            return x\n').join(''),
    ],
  ])('%s: the same references and bindings as on a fresh tree', (language, file, code) => {
    const fresh = facts(parseSource(code, language).rootNode, file, language);
    const root = parseSource(code, language).rootNode;
    walkAll(root);
    expect(facts(root, file, language)).toEqual(fresh);
    // A class name is a declaration, not a reference to itself.
    expect(fresh.references.some((r) => r.startsWith('C0@'))).toBe(false);
  });
});

/** FileSymbols as plain data: scopes numbered in the order first met, references pointing at them. */
function describeSymbols(symbols: FileSymbols) {
  const numbers = new Map<Scope, number>();
  const scopes: unknown[] = [];
  const scopeNumber = (scope: Scope): number => {
    let n = numbers.get(scope);
    if (n !== undefined) return n;
    const parent = scope.parent ? scopeNumber(scope.parent) : -1;
    numbers.set(scope, (n = scopes.length));
    scopes.push({ parent, kind: scope.kind, names: [...scope.names.entries()] });
    return n;
  };
  return {
    path: symbols.path,
    language: symbols.language,
    module: scopeNumber(symbols.module),
    references: symbols.references.map((r) => ({ ...r, scope: scopeNumber(r.scope) })),
    exports: [...symbols.exports.entries()],
    starExports: symbols.starExports,
    imports: symbols.imports,
    commonJs: symbols.commonJs,
    scopes,
  };
}

describe('extractSymbols over plain copies of the tree (plainTree), against the walk over tree-sitter nodes', () => {
  it.each(corpusSamples(70))(
    '%s: the same bindings, references (in order), imports and exports',
    (_name, files) => {
      expect(files.length).toBeGreaterThanOrEqual(50);
      const differing: string[] = [];
      let references = 0;
      for (const file of files) {
        const language = fileLanguage(file)!;
        const tree = parseSource(readFileSync(file, 'utf8'), language);
        const reference = describeSymbols(extractSymbols(tree.rootNode, file, language));
        const copied = describeSymbols(extractSymbols(plainTree(tree), file, language));
        references += reference.references.length;
        if (!isDeepStrictEqual(copied, reference)) differing.push(file);
      }
      expect(differing).toEqual([]);
      expect(references).toBeGreaterThan(5_000);
    },
  );

  it('tells two different files apart (the comparison can fail)', () => {
    const symbols = (code: string) =>
      describeSymbols(
        extractSymbols(plainTree(parseSource(code, 'typescript')), 'm.ts', 'typescript'),
      );
    expect(isDeepStrictEqual(symbols('f(a);'), symbols('f(b);'))).toBe(false);
    expect(isDeepStrictEqual(symbols('{ let a; } a;'), symbols('let a; { a; }'))).toBe(false);
  });
});
