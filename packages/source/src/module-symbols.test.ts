import { definedNames, parseSource } from '@mge/atomizer';
import { fileLanguage } from '@mge/core';
import { moduleSymbols } from './module-symbols.js';
import { extractSymbols } from './symbols/extract-symbols.js';

const names = (file: string, code: string) =>
  moduleSymbols(file, code)
    .definitions.map((d) => d.name)
    .sort();

describe('moduleSymbols where the old copies disagreed', () => {
  it('binds every name of a destructuring declaration (the graph and the atomizer did)', () => {
    const code = 'export const { a, b: c, ...d } = o;\nconst [e, , f = 1] = xs;\n';
    expect(names('m.ts', code)).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect(moduleSymbols('m.ts', code).definitions.find((d) => d.name === 'c')).toMatchObject({
      exported: true,
      kind: 'value',
      line: 1,
    });
  });

  it('binds Python names inside module-level try/if/with (optional imports, fallbacks)', () => {
    const code = [
      'try:',
      '    import ujson as json',
      'except ImportError:',
      '    json = None',
      'if FAST:',
      '    def run(): pass',
      'else:',
      '    def run(): pass',
      'with open("x") as fh:',
      '    data = fh.read()',
      '',
    ].join('\n');
    const symbols = moduleSymbols('m.py', code);
    expect(symbols.definitions.map((d) => d.name)).toEqual([
      'json',
      'json',
      'run',
      'run',
      'data',
      'fh',
    ]);
    // Alternatives in `if`/`try` are not duplicate definitions.
    expect(symbols.definitions.every((d) => d.kind === 'type')).toBe(true);
    // A guarded import is still an import (the graph follows it), marked as possibly missing.
    expect(symbols.imports).toEqual([
      { source: 'ujson', names: [], line: 2, level: 0, guarded: true },
    ]);
  });

  it('binds tuple and chained Python assignments, not attribute targets', () => {
    expect(names('m.py', 'a, (b, *c) = 1, (2, 3)\nd = e = 0\nobj.x = 1\nitems[0] = 2\n')).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('keeps a top-level def a duplicate definition outside if/try', () => {
    const kinds = moduleSymbols('m.py', 'def f(): pass\ndef f(): pass\n').definitions.map(
      (d) => d.kind,
    );
    expect(kinds).toEqual(['value', 'value']);
  });

  it('reads TypeScript namespaces, ambient declarations, import = require and export * as', () => {
    const code = [
      "import legacy = require('./legacy');",
      'namespace Shapes { export const n = 1; }',
      'declare const VERSION: string;',
      "export * as money from './money';",
      '',
    ].join('\n');
    const symbols = moduleSymbols('m.ts', code);
    expect(symbols.definitions.map((d) => [d.name, d.kind, d.exported])).toEqual([
      ['Shapes', 'type', false],
      ['VERSION', 'type', false],
      ['money', 'type', true],
    ]);
    expect(symbols.imports.map((i) => i.source)).toEqual(['./legacy', './money']);
  });

  it('binds what only the scope walk used to: for/with targets, globals set in functions', () => {
    const code = [
      'for i in range(3):',
      '    pass',
      'with open("x") as fh:',
      '    pass',
      'def setup():',
      '    global CACHE',
      '    CACHE = {}',
      '',
    ].join('\n');
    expect(moduleSymbols('m.py', code).definitions.map((d) => [d.name, d.line, d.kind])).toEqual([
      ['setup', 5, 'value'],
      ['i', 1, 'type'],
      ['fh', 3, 'type'],
      ['CACHE', 7, 'type'],
    ]);
    const script = '{\n  var hoisted = 1;\n}\nfor (var k of []) {}\n';
    expect(names('m.js', script)).toEqual(['hoisted', 'k']);
  });

  it('lists only the imported names of `from m import ...`, not the module or a continuation', () => {
    const code = 'from _collections_abc import a, \\\n    b as c\nfrom .x import *\n';
    const symbols = moduleSymbols('m.py', code);
    expect(symbols.imports.map((i) => i.names)).toEqual([['a', 'b'], []]);
    expect(symbols.definitions.map((d) => d.name)).toEqual(['a', 'c']);
  });

  it('reuses a tree the caller already parsed', () => {
    const code = 'def f(): pass\n';
    const root = parseSource(code, 'python').rootNode;
    expect(moduleSymbols('m.py', code, root)).toEqual(moduleSymbols('m.py', code));
  });
});

/**
 * The module level as each consumer sees it, over one parse: the graph's scope walk (every
 * binding), the atomizer's per-statement `definedNames` over the top-level statements (its
 * context), and the source model (definitions; script imports are listed as imports instead).
 */
function views(file: string, code: string) {
  const language = fileLanguage(file)!;
  const root = parseSource(code, language).rootNode;
  const scope = extractSymbols(root, file, language);
  const bindings = [...scope.module.names.values()];
  const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
  const exportOnly = (name: string) => name === 'default' || scope.exports.has(name);
  return {
    graph: sorted(bindings.map((b) => b.name)),
    graphLocal: sorted(
      bindings.filter((b) => language === 'python' || b.kind !== 'import').map((b) => b.name),
    ),
    atomizer: sorted(root.namedChildren.flatMap(definedNames)),
    model: sorted(moduleSymbols(file, code, root).definitions.map((d) => d.name)),
    exportOnly,
  };
}

describe('the graph, the atomizer and the source model agree on module-level names', () => {
  const cases: [string, string][] = [
    [
      'shop.py',
      [
        'import os.path',
        'from .money import Money as M, total',
        'try:',
        '    import ujson as json',
        'except ImportError:',
        '    json = None',
        'RATE: float = 0.2',
        'a, b = 1, 2',
        'c = d = 3',
        'obj.attr = 4',
        '@dataclass',
        'class Cart:',
        '    items = []',
        '    def add(self, x):',
        '        y = x',
        'def _helper(n):',
        '    z = n',
        '    return z',
        '',
      ].join('\n'),
    ],
    [
      'cart.ts',
      [
        "import { Money, total as sum } from './money.js';",
        "import legacy = require('./legacy');",
        'export interface Line { qty: number }',
        'export type Id = string;',
        'export const { a, b: c = sum([]) } = { a: 1, b: 2 };',
        'let [d, e] = [1, 2];',
        'export function add(x: number): number { const y = x; return y; }',
        'export class Cart { items: Line[] = []; total(): number { return sum(this.items); } }',
        'enum Color { Red }',
        'namespace Shapes { export const n = 1; }',
        'var legacy2 = 1;',
        'export { add as plus, Money };',
        "export * from './tax.js';",
        '',
      ].join('\n'),
    ],
    [
      'lib.js',
      [
        "const { readFile } = require('node:fs');",
        "const util = require('./util');",
        'function parse(text) { return util.split(text); }',
        'module.exports = { parse, readFile };',
        '',
      ].join('\n'),
    ],
  ];

  it.each(cases)('%s', (file, code) => {
    const v = views(file, code);
    // The atomizer's context sees every module-level binding the graph links to.
    expect(v.atomizer).toEqual(v.graph);
    // Every binding but script imports is a definition; beyond them only export names.
    expect(v.model.filter((n) => !v.graph.includes(n) && !v.exportOnly(n))).toEqual([]);
    expect(v.graphLocal.filter((n) => !v.model.includes(n))).toEqual([]);
  });

  it('the atomizer does not yet count for/with targets and globals set in functions', () => {
    const v = views('m.py', 'for i in range(3):\n    pass\n');
    expect(v.graph).toEqual(['i']);
    expect(v.model).toEqual(['i']);
    expect(v.atomizer).toEqual([]);
  });
});
