import { InvalidInputError } from '@mge/core';
import { atomizeSource, type AtomizedFile } from './atomize.js';
import { decodeSource } from './source-text.js';

const joined = (file: AtomizedFile) => file.atoms.map((a) => a.code).join('');

function expectTiling(file: AtomizedFile, code: string): void {
  expect(joined(file)).toBe(code);
  let at = 0;
  for (const atom of file.atoms) {
    expect(atom.startByte).toBe(at);
    expect(Buffer.from(code).subarray(atom.startByte, atom.endByte).toString()).toBe(atom.code);
    at = atom.endByte;
  }
  expect(at).toBe(Buffer.byteLength(code));
}

const lines = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i)).join('\n');

describe('atomizeSource', () => {
  describe('losslessness', () => {
    it('keeps imports, decorators, class headers, comments and blank lines in some atom', () => {
      const code = [
        '#!/usr/bin/env node',
        "import { a } from './a.js';",
        "import b from 'b';",
        '',
        '// Why this class exists.',
        '@Injectable()',
        'export class Service {',
        '  @Inject() private readonly dep!: string;',
        '  run(x: number): number {',
        '    return a(x) + b(x);',
        '  }',
        '}',
        '',
        '/* trailing */',
        '',
      ].join('\n');
      const file = atomizeSource(code, 'service.ts');
      expectTiling(file, code);
      expect(file.atoms[0]!.code).toContain("import b from 'b';");
      expect(
        file.atoms.some(
          (a) => a.code.includes('@Injectable()') && a.code.includes('class Service'),
        ),
      ).toBe(true);
    });

    it('reports UTF-8 byte offsets, not string indexes', () => {
      const code = `const café = "ünïcødé ✓";\n${lines(30, (i) => `export function f${i}() { return "é${i}"; }`)}\n`;
      const file = atomizeSource(code, 'u.ts');
      expectTiling(file, code);
      expect(file.atoms.length).toBeGreaterThan(1);
    });

    it('handles CRLF line endings and a file without a final newline', () => {
      const code = 'def f(x):\r\n    return x\r\n\r\nclass A:\r\n    pass';
      expectTiling(atomizeSource(code, 'crlf.py'), code);
    });

    it('gives an empty file no atoms', () => {
      expect(atomizeSource('', 'empty.py').atoms).toEqual([]);
    });

    it('keeps a comment-only file as one atom', () => {
      const code = '# just a note\n\n# another\n';
      const file = atomizeSource(code, 'notes.py');
      expectTiling(file, code);
      expect(file.atoms).toHaveLength(1);
      expect(file.atoms[0]!.loc).toBe(0);
    });
  });

  describe('sizes', () => {
    it('keeps an import block as its own atom when the file is big enough', () => {
      const code = `import a from 'a';\nimport b from 'b';\nimport c from 'c';\n\n${lines(3, (i) => `export function f${i}() {\n${lines(8, (k) => `  a(${k}); b(${i});`)}\n}`)}\n`;
      const file = atomizeSource(code, 'imports.ts');
      expectTiling(file, code);
      expect(file.atoms[0]!.kind).toBe('import');
      expect(file.atoms[0]!.name).toBe('imports');
    });

    it('merges tiny functions into atoms of 5 to 15 lines of code', () => {
      const code = `${lines(20, (i) => `function f${i}(x) {\n  return x + ${i};\n}`)}\n`;
      const file = atomizeSource(code, 'tiny.js');
      expectTiling(file, code);
      expect(file.atoms.length).toBeLessThan(20);
      for (const atom of file.atoms) expect(atom.loc).toBeGreaterThanOrEqual(5);
      for (const atom of file.atoms) expect(atom.loc).toBeLessThanOrEqual(15);
    });

    it('splits a dense 50-line function at statement boundaries into atoms of at most 15 lines', () => {
      const body = lines(50, (i) => `  const v${i} = compute(${i}, v${Math.max(0, i - 1)});`);
      const code = `export function dense(compute: (a: number, b: number) => number): number {\n  const v0 = 0;\n${body}\n  return v49;\n}\n`;
      const file = atomizeSource(code, 'dense.ts');
      expectTiling(file, code);
      expect(file.atoms.length).toBeGreaterThanOrEqual(4);
      for (const atom of file.atoms) {
        expect(atom.loc).toBeLessThanOrEqual(15);
        expect(atom.sizeViolation).toBe(false);
      }
      // Every cut is at a line boundary after a complete statement.
      for (const atom of file.atoms.slice(0, -1))
        expect(atom.code.endsWith(';\n') || atom.code.endsWith('{\n')).toBe(true);
      expect(file.atoms[0]!.kind).toBe('function');
      expect(file.atoms[1]!.kind).toBe('block');
      expect(file.atoms[1]!.scope).toBe('dense');
      expect(file.atoms[1]!.parent).toBe(0);
    });

    it('recurses into a compound statement that alone is too big', () => {
      const inner = lines(40, (i) => `        total += ${i}`);
      const code = `def outer(items):\n    total = 0\n    for item in items:\n        if item:\n${inner}\n    return total\n`;
      const file = atomizeSource(code, 'nested.py');
      expectTiling(file, code);
      for (const atom of file.atoms) expect(atom.loc).toBeLessThanOrEqual(15);
    });

    it('keeps one huge literal whole and reports it as a size violation', () => {
      const code = `export const TABLE = [\n${lines(40, (i) => `  ${i},`)}\n];\nexport const small = 1;\n`;
      const file = atomizeSource(code, 'table.ts');
      expectTiling(file, code);
      const big = file.atoms.find((a) => a.code.includes('TABLE'))!;
      expect(big.sizeViolation).toBe(true);
      expect(big.loc).toBeGreaterThan(15);
      expect(big.criteriaFailed.map((f) => f.criterion)).toContain('size');
    });

    it('attaches leading comments and blank lines to the statement that follows', () => {
      const code = `${lines(12, (i) => `x${i} = ${i}`)}\n\n# About y.\n# More about y.\ndef y():\n${lines(14, (i) => `    a${i} = ${i}`)}\n    return 1\n`;
      const file = atomizeSource(code, 'lead.py');
      expectTiling(file, code);
      const withY = file.atoms.find((a) => a.code.includes('def y'))!;
      expect(withY.code.startsWith('\n# About y.')).toBe(true);
    });
  });

  describe('complexity', () => {
    it('counts decision points from the AST, not keywords inside names or strings', () => {
      const code =
        'def f(forward, order):\n    text = "for if or and while"\n    return forward or order\n';
      expect(atomizeSource(code, 'c.py').atoms[0]!.complexity).toBe(2);
    });

    it('counts branches, loops, case arms, catches, boolean operators and conditionals', () => {
      const code = [
        'function g(a, b) {',
        '  if (a && b) return 1;',
        '  else if (a || b) return 2;',
        '  for (const x of a) {}',
        '  switch (b) { case 1: break; case 2: break; default: break; }',
        '  try { a(); } catch (e) {}',
        '  return a ? 1 : b ?? 2;',
        '}',
      ].join('\n');
      // 1 + if + && + else-if + || + for + 2 cases + catch + ?: + ?? = 11
      expect(atomizeSource(code, 'g.js').atoms[0]!.complexity).toBe(11);
    });
  });

  describe('symbols and context', () => {
    const code = [
      "import { readFile } from 'node:fs/promises';",
      "import path from 'node:path';",
      '',
      'export function resolve(dir: string, name: string): string {',
      '  return path.join(dir, name);',
      '}',
      '',
      'export async function load(dir: string, name: string): Promise<string> {',
      '  const where = resolve(dir, name);',
      "  return readFile(where, 'utf8');",
      '}',
    ].join('\n');

    it('records what each atom defines and uses', () => {
      const file = atomizeSource(code, 'load.ts', 'typescript', {
        size: { min: 1, target: 1, max: 15 },
      });
      const load = file.atoms.find((a) => a.defines.includes('load'))!;
      expect(load.uses).toEqual(expect.arrayContaining(['resolve', 'readFile']));
      expect(load.uses).not.toContain('where');
    });

    it('injects the imports and signatures an atom references and scores completeness', () => {
      const file = atomizeSource(code, 'load.ts', 'typescript', {
        size: { min: 1, target: 1, max: 15 },
      });
      const load = file.atoms.find((a) => a.defines.includes('load'))!;
      expect(load.context.imports).toContain("import { readFile } from 'node:fs/promises';");
      expect(load.context.symbols).toContainEqual({
        name: 'resolve',
        signature: 'export function resolve(dir: string, name: string): string',
      });
      expect(load.contextCompleteness).toBe(1);
    });

    it('lowers completeness for names nothing in the file explains', () => {
      const file = atomizeSource(
        'export function f() {\n  return mystery(1) + known;\n}\nconst known = 2;\n',
        'm.js',
        'javascript',
        { size: { min: 1, target: 1, max: 15 } },
      );
      const f = file.atoms[0]!;
      expect(f.context.unresolved).toEqual(['mystery']);
      expect(f.contextCompleteness).toBe(0.5);
    });
  });

  describe('atomicity criteria', () => {
    it('passes a small pure typed function on all ten', () => {
      const file = atomizeSource(
        'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
        'add.ts',
      );
      expect(file.atoms[0]!.criteriaPassed).toBe(10);
      expect(file.atoms[0]!.atomic).toBe(true);
    });

    it('fails determinism and side effects from the calls made, with reasons', () => {
      const code =
        'export function roll(): number {\n  const n = Math.random();\n  console.log("Math.random", n);\n  return n;\n}\n';
      const failed = atomizeSource(code, 'roll.ts').atoms[0]!.criteriaFailed;
      expect(failed).toContainEqual({
        criterion: 'determinism',
        reason: 'calls nondeterministic APIs: Math.random',
      });
      expect(failed).toContainEqual({
        criterion: 'no_side_effects',
        reason: 'has side effects: console.log',
      });
    });

    it('does not mistake a local variable or a string for an API', () => {
      const code =
        'def pick(random, items):\n    """Uses time.time() nowhere."""\n    return items[random]\n';
      const failed = atomizeSource(code, 'p.py').atoms[0]!.criteriaFailed.map((f) => f.criterion);
      expect(failed).not.toContain('determinism');
    });
  });

  describe('bad input', () => {
    it('names the line of a syntax error', () => {
      expect(() =>
        atomizeSource('def ok():\n    return 1\n\ndef broken(:\n    pass\n', 'b.py'),
      ).toThrow(/line 4/);
      expect(() =>
        atomizeSource('def ok():\n    return 1\n\ndef broken(:\n    pass\n', 'b.py'),
      ).toThrow(InvalidInputError);
    });

    it('rejects an unsupported extension', () => {
      expect(() => atomizeSource('x', 'notes.txt')).toThrow(/unsupported file extension/);
    });

    it('rejects binary input', () => {
      expect(() =>
        decodeSource(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), 'a.out.py'),
      ).toThrow(/binary/);
      expect(() => atomizeSource('x = 1\0\0', 'a.py')).toThrow(/binary/);
    });

    it('rejects invalid UTF-8 naming the offset of the first bad byte', () => {
      const bytes = Buffer.concat([
        Buffer.from('x = "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"\n'),
      ]);
      expect(() => decodeSource(bytes, 'latin1.py')).toThrow(
        /not valid UTF-8 \(first bad byte at offset 8\)/,
      );
    });

    it('rejects text with an unpaired surrogate (it has no UTF-8 form)', () => {
      expect(() => atomizeSource('x = "\uD800"\n', 's.py')).toThrow(/surrogate/);
    });

    it('refuses a 20 MB file quickly instead of parsing it', () => {
      const big = `${'x = 1\n'.repeat((20 * 1024 * 1024) / 6)}`;
      const started = Date.now();
      expect(() => decodeSource(Buffer.from(big), 'big.py')).toThrow(/over the atomizer's limit/);
      expect(() => atomizeSource(big, 'big.py')).toThrow(/over the atomizer's limit/);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('abandons a parse that runs past its time limit', () => {
      const code = 'x = 1\n'.repeat(200_000);
      expect(() => atomizeSource(code, 'slow.py', 'python', { parseTimeoutMs: 1 })).toThrow(
        /abandoned/,
      );
    });
  });
});
