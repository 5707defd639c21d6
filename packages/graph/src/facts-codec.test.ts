import { decodeFacts, encodeFacts } from './facts-codec.js';
import { fileFacts } from './file-facts.js';

describe('facts codec', () => {
  it('rebuilds facts with their shape and the bindings they share', () => {
    const code = [
      `import { helper, other as renamed } from './helper.js';`,
      `import * as ns from './ns.js';`,
      `export * from './all.js';`,
      `export { renamed as again } from './helper.js';`,
      `export default function main(): number {`,
      `  let x = helper(1);`,
      `  x = ns.member(x);`,
      `  { const x = 2; return x; }`,
      `}`,
      `function f(a: number): number;`,
      `function f(a: string): number;`,
      `function f(a: unknown): number { return 0; }`,
      `export { f };`,
      ``,
    ].join('\n');
    const facts = [
      fileFacts({ file: 'src/main.ts', code }),
      fileFacts({
        file: 'README.md',
        code: '# no symbols\n',
        atoms: [{ startByte: 0, endByte: 13 }],
      }),
    ];
    const encoded = encodeFacts(facts);
    expect(encoded.ints).toBeInstanceOf(Int32Array);
    // Every string once.
    expect(new Set(encoded.strings).size).toBe(encoded.strings.length);
    const [decoded, plain] = decodeFacts(encoded);
    expect([decoded, plain]).toEqual(facts);
    expect(plain!.symbols).toBeUndefined();
    const symbols = decoded!.symbols!;
    expect(symbols.exports.size).toBeGreaterThan(2);
    expect(symbols.starExports).toEqual([{ source: './all.js', offset: expect.any(Number) }]);
    // One object per binding, as the resolver's cache (keyed by binding) expects.
    expect(symbols.imports).toHaveLength(3);
    for (const binding of symbols.imports)
      expect(symbols.module.names.get(binding.name)).toBe(binding);
    expect(symbols.module.names.get('f')!.others).toHaveLength(2);
    // References keep their scope chain: the block's x is not the function's.
    const xs = symbols.references.filter((r) => r.name === 'x');
    expect(new Set(xs.map((r) => r.scope)).size).toBeGreaterThan(1);
    for (const ref of symbols.references) {
      let scope = ref.scope;
      while (scope.parent) scope = scope.parent;
      expect(scope).toBe(symbols.module);
    }
  });
});
