import { validateModule } from './module-level.js';

const atoms = (...codes: string[]) => codes.map((code, i) => ({ id: `a${i}`, code }));
const context = { planFiles: ['src/a.ts', 'src/b.ts'] };

describe('validateModule (L2)', () => {
  it('passes a file whose imports resolve to plan files and Node built-ins', () => {
    const file = atoms(
      "import { x } from './b.js';\nimport { readFile } from 'node:fs';\n",
      'export const y = x;\n',
    );
    expect(validateModule('src/a.ts', file, context)).toEqual([]);
  });

  it('points a parse error at the atom holding its line, even when code changed length', () => {
    const file = atoms('export const a = 1;\n\n\n', 'export function f( {\n}\n');
    const [d] = validateModule('src/a.ts', file, context);
    expect(d).toMatchObject({ level: 'module', atomId: 'a1' });
  });

  it('reports a name defined twice, on the second definition', () => {
    const file = atoms('export function f() {}\n', 'export function f() {}\n');
    expect(validateModule('src/a.ts', file, context)).toEqual([
      expect.objectContaining({
        atomId: 'a1',
        message: expect.stringContaining('duplicate definition of "f"'),
      }),
    ]);
  });

  it('reports imports of unknown files and undeclared packages', () => {
    const file = atoms("import { x } from './c.js';\nimport _ from 'lodash';\n");
    const messages = validateModule('src/a.ts', file, context).map((d) => d.message);
    expect(messages).toEqual([
      expect.stringContaining('"./c.js"'),
      expect.stringContaining('"lodash"'),
    ]);
    expect(
      validateModule('src/a.ts', file, {
        ...context,
        packages: ['lodash'],
        planFiles: [...context.planFiles, 'src/c.ts'],
      }),
    ).toEqual([]);
  });

  it("reports a declared export of the task's draft that the generated code lost", () => {
    const file = [{ id: 'a0', name: 'total', code: 'export function sum() {}\n' }];
    expect(
      validateModule('src/a.ts', file, { ...context, draft: 'export function total() {}\n' }),
    ).toEqual([
      expect.objectContaining({
        atomId: 'a0',
        message: expect.stringContaining('"total" is missing'),
      }),
    ]);
  });

  it('resolves CommonJS requires by the same rules as imports', () => {
    const file = atoms(
      "const { x } = require('./b');\nconst fs = require('node:fs');\n",
      "function f() {\n  return require('./gone');\n}\nmodule.exports = { f, x, fs };\n",
    );
    const diagnostics = validateModule('src/a.js', file, {
      planFiles: ['src/a.js', 'src/b/index.js'],
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        atomId: 'a1',
        line: 4,
        message: expect.stringContaining('./gone'),
      }),
    ]);
  });

  it('resolves Python relative imports and the standard library', () => {
    const file = atoms('import json\nfrom .b import thing\nfrom .missing import other\n');
    const diagnostics = validateModule('pkg/a.py', file, { planFiles: ['pkg/a.py', 'pkg/b.py'] });
    expect(diagnostics.map((d) => d.line)).toEqual([3]);
  });

  it('accepts an optional Python import guarded by try/except, still checking the others', () => {
    const file = atoms(
      'try:\n    import ujson as json\nexcept ImportError:\n    import json\n',
      'import yaml\n',
    );
    const diagnostics = validateModule('pkg/a.py', file, { planFiles: ['pkg/a.py'] });
    // The standard library is unknown here (any top-level name passes) unless python3 runs.
    expect(diagnostics.every((d) => d.line === 5)).toBe(true);
  });

  it('does not call alternatives in module-level if/else duplicate definitions', () => {
    const file = atoms('if FAST:\n    def run(): pass\nelse:\n    def run(): pass\n');
    expect(validateModule('pkg/a.py', file, { planFiles: ['pkg/a.py'] })).toEqual([]);
    const twice = atoms('def run(): pass\n', 'def run(): pass\n');
    expect(validateModule('pkg/a.py', twice, { planFiles: ['pkg/a.py'] })).toEqual([
      expect.objectContaining({ atomId: 'a1', message: expect.stringContaining('"run"') }),
    ]);
  });
});
