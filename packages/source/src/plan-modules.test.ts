import { importTarget } from './import-targets.js';
import { emittedPath, PlanModules } from './plan-modules.js';

describe('PlanModules for TypeScript and JavaScript', () => {
  const modules = new PlanModules([
    'src/money.ts',
    'src/cart.ts',
    'src/types.d.ts',
    'src/shapes/index.ts',
    'src/shapes/circle.ts',
    'src/legacy.js',
    'src/view.tsx',
    'src/esm.mts',
    'src/rates.json',
    'lib/text/index.js',
    'lib/text/count.js',
    'test/cart.test.ts',
  ]);

  it.each([
    ['an extensionless relative import', 'src/cart.ts', './money', 'src/money.ts'],
    ['a .js suffix naming a .ts source', 'src/cart.ts', './money.js', 'src/money.ts'],
    ['a .js suffix naming a .tsx source', 'src/cart.ts', './view.js', 'src/view.tsx'],
    ['a .mjs suffix naming a .mts source', 'src/cart.ts', './esm.mjs', 'src/esm.mts'],
    ['the exact file', 'src/cart.ts', './legacy.js', 'src/legacy.js'],
    ['a directory by its index file', 'test/cart.test.ts', '../src/shapes', 'src/shapes/index.ts'],
    ['a parent directory import', 'src/shapes/circle.ts', '..', undefined],
    ['a sibling from a directory index', 'src/shapes/index.ts', './circle', 'src/shapes/circle.ts'],
    ['a declaration file', 'src/cart.ts', './types', 'src/types.d.ts'],
    ['a JSON file named with its extension', 'src/cart.ts', './rates.json', 'src/rates.json'],
    [
      'a JSON file without its extension (neither tsc nor node ESM)',
      'src/cart.ts',
      './rates',
      undefined,
    ],
    ['a CommonJS directory require', 'lib/text/index.js', './count', 'lib/text/count.js'],
    ['a missing file', 'src/cart.ts', './nothing', undefined],
    ['a bare package specifier', 'src/cart.ts', 'zod', undefined],
  ])('resolves %s', (_what, from, specifier, expected) => {
    expect(modules.resolve(from, specifier)).toBe(expected);
  });

  it('names the emitted file node must load', () => {
    expect(modules.runtimeSpecifier('test/cart.test.ts', 'src/shapes/index.ts')).toBe(
      '../src/shapes/index.js',
    );
    expect(modules.runtimeSpecifier('src/cart.ts', 'src/money.ts')).toBe('./money.js');
    expect(modules.runtimeSpecifier('src/cart.ts', 'src/esm.mts')).toBe('./esm.mjs');
    expect(modules.runtimeSpecifier('src/cart.ts', 'src/rates.json')).toBe('./rates.json');
    expect(modules.runtimeSpecifier('src/cart.ts', 'src/types.d.ts')).toBeUndefined();
    expect(emittedPath('src/view.tsx')).toBe('src/view.js');
  });

  it('classifies what is outside the plan', () => {
    const external = { packages: ['zod'] };
    expect(importTarget(modules, 'src/cart.ts', 'zod/v4', external)).toEqual({ kind: 'external' });
    expect(importTarget(modules, 'src/cart.ts', 'node:fs', external)).toEqual({
      kind: 'external',
    });
    expect(importTarget(modules, 'src/cart.ts', 'path', external)).toEqual({ kind: 'external' });
    expect(importTarget(modules, 'src/cart.ts', 'lodash', external).kind).toBe('unresolved');
    expect(importTarget(modules, 'src/cart.ts', './money', external)).toEqual({
      kind: 'plan',
      file: 'src/money.ts',
    });
    expect(importTarget(modules, 'src/cart.ts', './mony', external)).toEqual({
      kind: 'unresolved',
      reason: 'no file of the plan matches "./mony"',
    });
  });
});

describe('PlanModules for Python', () => {
  const flat = new PlanModules([
    'shop/__init__.py',
    'shop/money.py',
    'shop/billing/__init__.py',
    'shop/billing/invoice.py',
    'ns/tool.py',
    'scripts/run.py',
    'scripts/helpers.py',
    'tests/test_shop.py',
  ]);

  it.each([
    ['a relative module', 'shop/billing/invoice.py', '..money', 'shop/money.py'],
    ['the parent package', 'shop/billing/invoice.py', '..', 'shop/__init__.py'],
    ['the own package', 'shop/billing/invoice.py', '.', 'shop/billing/__init__.py'],
    ['an absolute module', 'tests/test_shop.py', 'shop.billing.invoice', 'shop/billing/invoice.py'],
    ['an absolute package', 'tests/test_shop.py', 'shop.billing', 'shop/billing/__init__.py'],
    [
      'an absolute import inside the package',
      'shop/money.py',
      'shop.billing',
      'shop/billing/__init__.py',
    ],
    ["a module of a script's own directory", 'scripts/run.py', 'helpers', 'scripts/helpers.py'],
    ['a namespace package module', 'tests/test_shop.py', 'ns.tool', 'ns/tool.py'],
    ['a missing relative module', 'shop/money.py', '.nothing', undefined],
    ['the standard library', 'shop/money.py', 'decimal', undefined],
  ])('resolves %s', (_what, from, specifier, expected) => {
    expect(flat.resolve(from, specifier)).toBe(expected);
  });

  it('puts src/ on the import path when the package lives there', () => {
    const src = new PlanModules(['src/temps/__init__.py', 'src/temps/convert.py', 'tests/t.py']);
    expect(src.pythonRoots).toEqual(['', 'src']);
    expect(src.resolve('tests/t.py', 'temps.convert')).toBe('src/temps/convert.py');
    expect(flat.pythonRoots).toEqual(['']);
  });

  it('classifies the standard library, packages, namespace packages and missing modules', () => {
    const external = { packages: ['requests'], pythonStdlib: new Set(['decimal', 'os']) };
    const target = (from: string, spec: string) => importTarget(flat, from, spec, external);
    expect(target('shop/money.py', 'decimal')).toEqual({ kind: 'external' });
    expect(target('shop/money.py', 'requests.adapters')).toEqual({ kind: 'external' });
    expect(target('tests/test_shop.py', 'ns')).toEqual({ kind: 'external' });
    expect(target('tests/test_shop.py', 'shop.missing')).toEqual({
      kind: 'unresolved',
      reason: '"shop.missing" is not a module of the plan',
    });
    expect(target('shop/money.py', '.nothing').kind).toBe('unresolved');
    expect(target('shop/money.py', 'numpy').kind).toBe('unresolved');
  });
  it('indexes absolute paths too (the CLI passes files as given)', () => {
    const modules = new PlanModules(['/tmp/p/src/a.ts', '/tmp/p/src/b.ts']);
    expect(modules.isDirectory('/tmp/p/src')).toBe(true);
    expect(modules.resolve('/tmp/p/src/a.ts', './b')).toBe('/tmp/p/src/b.ts');
  });
});
