import { chunkedFile, edgeLines, graphOf } from './test-support/chunked-file.js';

describe('dependency graph of a TypeScript plan', () => {
  const math = chunkedFile('src/math.ts', {
    add: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
    Shape: 'export class Shape {\n  area(): number { return 0; }\n}\n',
    Sized: 'export interface Sized { size: number }\n',
  });
  const util = chunkedFile('src/util.ts', { TAU: 'export const TAU = 6.28;\n' });
  const barrel = chunkedFile('src/index.ts', {
    named: 'export { add as sum, Shape } from "./math";\n',
    star: 'export * from "./util";\n',
  });
  const main = chunkedFile('src/main.ts', {
    imports:
      'import { sum as plus, Shape, TAU } from "./index.js";\nimport type { Sized } from "./math";\n',
    run: 'export function run(add: number): number {\n  return add + twice(3);\n}\n',
    twice: 'function twice(n: number): number {\n  return plus(n, n) * TAU;\n}\n',
    Circle: 'export class Circle extends Shape implements Sized {\n  size = 1;\n}\n',
    isEven: 'function isEven(n: number): boolean { return n === 0 || isOdd(n - 1); }\n',
    isOdd: 'function isOdd(n: number): boolean { return n !== 0 && isEven(n - 1); }\n',
  });
  const graph = graphOf(math, util, barrel, main);

  it('resolves aliased imports through re-exports to the real declarations, and keeps every edge of a cycle', () => {
    expect(edgeLines(graph)).toEqual([
      'src/index.ts:named -> src/main.ts:imports (import)',
      'src/index.ts:star -> src/main.ts:imports (import)',
      'src/main.ts:imports -> src/main.ts:Circle (import)',
      'src/main.ts:imports -> src/main.ts:twice (import)',
      'src/main.ts:isEven -> src/main.ts:isOdd (call)',
      'src/main.ts:isOdd -> src/main.ts:isEven (call)',
      'src/main.ts:twice -> src/main.ts:run (call)',
      'src/math.ts:Shape -> src/index.ts:named (import)',
      'src/math.ts:Shape -> src/main.ts:Circle (inheritance)',
      'src/math.ts:Sized -> src/main.ts:Circle (inheritance)',
      'src/math.ts:Sized -> src/main.ts:imports (import)',
      'src/math.ts:add -> src/index.ts:named (import)',
      'src/math.ts:add -> src/main.ts:twice (call)',
      'src/util.ts:TAU -> src/index.ts:star (import)',
      'src/util.ts:TAU -> src/main.ts:twice (data)',
    ]);
  });

  it('draws no edge to a declaration that a parameter shadows', () => {
    expect(
      graph.edges.filter((e) => e.to === 'src/main.ts:run' && e.from === 'src/math.ts:add'),
    ).toEqual([]);
  });

  it('links a function called before its declaration', () => {
    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        from: 'src/main.ts:twice',
        to: 'src/main.ts:run',
        kind: 'call',
        symbol: 'twice',
      }),
    );
  });

  it('makes mutual recursion one co-generated group in one wave', () => {
    expect(graph.cycleGroups).toEqual([['src/main.ts:isEven', 'src/main.ts:isOdd']]);
    expect(graph.waveOf.get('src/main.ts:isEven')).toBe(0);
    expect(graph.waveOf.get('src/main.ts:isOdd')).toBe(0);
  });

  it('layers atoms into the fewest waves, the longest chain first', () => {
    expect(graph.waves).toEqual([
      [
        'src/math.ts:add',
        'src/math.ts:Shape',
        'src/math.ts:Sized',
        'src/util.ts:TAU',
        'src/main.ts:isEven',
        'src/main.ts:isOdd',
      ],
      ['src/index.ts:named', 'src/index.ts:star'],
      ['src/main.ts:imports'],
      ['src/main.ts:twice', 'src/main.ts:Circle'],
      ['src/main.ts:run'],
    ]);
    expect(graph.criticalPath).toEqual([
      'src/math.ts:add',
      'src/index.ts:named',
      'src/main.ts:imports',
      'src/main.ts:twice',
      'src/main.ts:run',
    ]);
    expect(graph.maxParallelism).toBe(6);
  });

  it('reports module (file) and component (directory) boundaries', () => {
    expect(graph.boundaries.modules.find((m) => m.file === 'src/main.ts')?.dependsOn).toEqual([
      'src/index.ts',
      'src/math.ts',
      'src/util.ts',
    ]);
    expect(graph.boundaries.components).toEqual([
      {
        directory: 'src',
        files: ['src/math.ts', 'src/util.ts', 'src/index.ts', 'src/main.ts'],
        dependsOn: [],
      },
    ]);
  });

  it('types edges from type annotations, namespace imports and generic constraints', () => {
    const types = chunkedFile('types.ts', {
      Id: 'export type Id = string;\n',
      make: 'export const make = (): Id => "x";\n',
    });
    const user = chunkedFile('user.ts', {
      imports: 'import * as T from "./types";\n',
      find: 'export function find<K extends T.Id>(key: K): K {\n  T.make();\n  return key;\n}\n',
    });
    expect(edgeLines(graphOf(types, user))).toEqual([
      'types.ts:Id -> types.ts:make (type)',
      'types.ts:Id -> user.ts:find (type)',
      'types.ts:Id -> user.ts:imports (import)',
      'types.ts:make -> user.ts:find (call)',
      'types.ts:make -> user.ts:imports (import)',
      'user.ts:imports -> user.ts:find (import)',
    ]);
  });

  it('keeps block-scoped names local and ignores globals', () => {
    const file = chunkedFile('scope.ts', {
      value: 'const value = 1;\n',
      reader: 'function reader(): number {\n  { const value = 2; return value; }\n}\n',
      logger: 'function logger(): void { console.log(Math.max(1, 2)); }\n',
      loop: 'for (const value of [1]) { console.log(value); }\n',
      catcher: 'try { reader(); } catch (value) { void value; }\n',
    });
    expect(edgeLines(graphOf(file))).toEqual(['scope.ts:reader -> scope.ts:catcher (call)']);
  });
});
