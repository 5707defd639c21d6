import { InvalidInputError } from '@mge/core';
import { atomizeSource, type AtomizedFile } from './atomize.js';
import { parseChecked, parseSource, syntaxProblems } from './parser.js';

const lossless = (file: AtomizedFile, code: string): void =>
  expect(file.atoms.map((a) => a.code).join('')).toBe(code);

const functions = (prefix: string, n: number): string =>
  Array.from(
    { length: n },
    (_, i) =>
      `export function ${prefix}${i}(x: number): number {\n  const y = x + ${i};\n  const z = y * 2;\n  return z - 1;\n}\n`,
  ).join('\n');

/** Syntax newer than the published tree-sitter grammars know, or that they get wrong. */
const CURRENT_TYPESCRIPT: [string, string][] = [
  ['variance in', 'export interface $ZodCheck<in T = never> {\n  check(input: T): void;\n}\n'],
  ['variance out', 'export interface Box<out T> {\n  get(): T;\n}\n'],
  ['variance in out', 'export class Cell<in out T> {\n  constructor(public value: T) {}\n}\n'],
  ['variance on a type alias', 'export type Sink<in T> = (value: T) => void;\n'],
  ['satisfies', 'export const limits = { a: 1, b: 2 } satisfies Record<string, number>;\n'],
  [
    'accessor',
    'export class Counter {\n  accessor count = 0;\n  static accessor total: number;\n}\n',
  ],
  [
    'using declarations',
    'export async function run(): Promise<void> {\n  using lock = acquire();\n  await using conn = await connect();\n  lock.use(conn);\n}\n',
  ],
  [
    'decorators',
    '@sealed\nexport class Service {\n  @inject() private readonly dep!: string;\n  @log\n  run(): string {\n    return this.dep;\n  }\n}\n',
  ],
  [
    'const type parameters',
    'export function tuple<const T extends readonly unknown[]>(...items: T): T {\n  return items;\n}\n',
  ],
  ['import type with arguments', "type Stream<R> = import('stream/web').ReadableStream<R>;\n"],
  [
    'type-only imports and exports',
    "import { type A, B } from './a.js';\nexport type { A };\nexport { B };\n",
  ],
  [
    'import attributes and export-as-namespace',
    "import data from './data.json' with { type: 'json' };\nexport * as ns from './ns.js';\nexport { data };\n",
  ],
];

describe('current syntax', () => {
  it.each(CURRENT_TYPESCRIPT)('atomizes TypeScript with %s losslessly', (_name, code) => {
    expect(syntaxProblems(code, 'typescript', 'current.ts')).toEqual([]);
    lossless(atomizeSource(code, 'current.ts'), code);
  });

  it('parses variance annotations fully (the interface is a declaration with its name)', () => {
    const code = 'export interface $ZodCheck<in T = never> {\n  check(input: T): void;\n}\n';
    expect(parseSource(code, 'typescript').rootNode.hasError).toBe(true);
    const checked = parseChecked(code, 'typescript', 'checks.ts');
    expect(checked.tree.rootNode.hasError).toBe(false);
    expect(checked.unparsed).toEqual([]);
    const file = atomizeSource(code, 'checks.ts');
    expect(file.atoms.map((a) => a.defines)).toContainEqual(['$ZodCheck']);
  });

  it('blanks `accessor` so a class with `static accessor` parses fully', () => {
    const code =
      'export class Counter {\n  static accessor total: number;\n  accessor count = 0;\n}\n';
    expect(parseSource(code, 'typescript').rootNode.hasError).toBe(true);
    expect(parseChecked(code, 'typescript', 'counter.ts')).toMatchObject({ unparsed: [] });
  });

  it('keeps what tree-sitter cannot parse in one atom and cuts the rest as usual', () => {
    const broken = [
      'export class Source<R> {',
      "  stream!: import('stream/web').ReadableStream<R>;",
      '  open(): void {}',
      '}',
    ].join('\n');
    const code = `${functions('before', 6)}\n${broken}\n\n${functions('after', 6)}`;
    const { unparsed } = parseChecked(code, 'typescript', 'source.ts');
    expect(unparsed.map(([s, e]) => code.slice(s, e))).toEqual([broken]);
    const file = atomizeSource(code, 'source.ts');
    lossless(file, code);
    const holding = file.atoms.filter((a) => a.code.includes('stream!'));
    expect(holding).toHaveLength(1);
    expect(holding[0]!.code).toContain(broken);
    // Cut as the same file is without the construct tree-sitter does not know.
    const known = code.replace("import('stream/web').ReadableStream<R>", 'ReadableStream<R>');
    const reference = atomizeSource(known, 'source.ts');
    expect(reference.atoms.length).toBeGreaterThan(4);
    expect(file.atoms.map((a) => [a.startLine, a.endLine])).toEqual(
      reference.atoms.map((a) => [a.startLine, a.endLine]),
    );
  });

  it('accepts reserved words as export names in JavaScript', () => {
    const code =
      'const _null = null;\nconst _fn = () => 1;\nexport { _null as null, _fn as function };\n';
    expect(parseSource(code, 'javascript').rootNode.hasError).toBe(true);
    lossless(atomizeSource(code, 'names.mjs'), code);
  });

  it('atomizes a .tsx component', () => {
    const code = [
      "import { useState } from 'react';",
      '',
      'interface Props<in out T> {',
      '  items: T[];',
      '  render: (item: T) => string;',
      '}',
      '',
      'export function List<T,>({ items, render }: Props<T>): JSX.Element {',
      '  const [open, setOpen] = useState(false);',
      '  return (',
      '    <ul className="list" onClick={() => setOpen(!open)}>',
      '      {open && items.map((item, i) => <li key={i}>{render(item)}</li>)}',
      '    </ul>',
      '  );',
      '}',
      '',
    ].join('\n');
    const file = atomizeSource(code, 'List.tsx');
    expect(file.language).toBe('tsx');
    lossless(file, code);
    expect(file.atoms.flatMap((a) => a.defines)).toEqual(
      expect.arrayContaining(['useState', 'Props', 'List']),
    );
  });

  it('atomizes a .jsx component', () => {
    const code = [
      "import React from 'react';",
      '',
      'export default function Greeting({ name }) {',
      '  return <p className="greeting">Hello, {name}!</p>;',
      '}',
      '',
    ].join('\n');
    const file = atomizeSource(code, 'Greeting.jsx');
    expect(file.language).toBe('javascript');
    lossless(file, code);
    expect(file.atoms.flatMap((a) => a.defines)).toContain('Greeting');
  });

  it("rejects a real syntax error with the compiler's line and column", () => {
    const code = 'export interface A<in T> {\n  a: T;\n}\nexport const x = (1 + ;\n';
    expect(() => atomizeSource(code, 'bad.ts')).toThrow(InvalidInputError);
    expect(() => atomizeSource(code, 'bad.ts')).toThrow(
      /bad\.ts does not parse as typescript \(line 4, column 23: TS1109/,
    );
    expect(syntaxProblems(code, 'typescript', 'bad.ts')[0]).toMatchObject({ line: 4, column: 23 });
  });

  it('rejects TypeScript syntax in a .js file, as the compiler does', () => {
    const code = 'export function f(x: number) {\n  return x;\n}\n';
    expect(() => atomizeSource(code, 'typed.js')).toThrow(/line 1, column 22: TS8010/);
    expect(() => atomizeSource(code, 'typed.ts')).not.toThrow();
  });

  it('rejects a JSX tag in a .ts file (it needs .tsx)', () => {
    const code = 'export const a = <div>hi</div>;\n';
    expect(() => atomizeSource(code, 'view.ts')).toThrow(InvalidInputError);
    expect(() => atomizeSource(code, 'view.tsx')).not.toThrow();
  });

  it('still judges Python by tree-sitter alone', () => {
    expect(() => atomizeSource('def f(:\n    pass\n', 'bad.py')).toThrow(/line 1, column/);
  });
});
