import { graphFromSources, graphReport } from './graph-from-sources.js';

describe('graphFromSources', () => {
  it('atomizes files and reports the contract of mge graph --json', () => {
    const { atoms, graph } = graphFromSources([
      {
        path: 'calc.py',
        code: 'def calculate(x):\n    return x * 2\n\nresult = calculate(10)\n\ndef greet(name):\n    return "hello " + name\n',
      },
    ]);
    const report = graphReport(atoms, graph);
    // How the atomizer cuts is its own business; the report's shape and consistency are ours.
    expect(Object.keys(report)).toEqual([
      'atoms',
      'edges',
      'waves',
      'criticalPath',
      'maxParallelism',
    ]);
    expect(report.atoms[0]).toEqual({
      id: 'calc.py#0',
      file: 'calc.py',
      name: expect.any(String),
      kind: expect.any(String),
      startLine: 1,
      endLine: expect.any(Number),
    });
    expect(report.atoms.at(-1)!.endLine).toBe(7);
    const ids = report.atoms.map((a) => a.id);
    expect(report.waves.flat().sort()).toEqual([...ids].sort());
    for (const edge of report.edges) expect(Object.keys(edge)).toEqual(['from', 'to', 'kind']);
    expect(report.maxParallelism).toBe(Math.max(...report.waves.map((w) => w.length)));
  });

  it('links files with syntax the tree-sitter grammar lags behind (variance, .tsx)', () => {
    const check = [
      'export interface Check<in T = never> {',
      '  run(value: T): boolean;',
      '}',
      '',
      'export const always: Check<unknown> = { run: () => true };',
      '',
    ].join('\n');
    const view = [
      "import { always, type Check } from './check.js';",
      '',
      'export function Badge({ check }: { check: Check<string> }): JSX.Element {',
      '  return <b>{check.run("x") && always.run(1) ? "ok" : "no"}</b>;',
      '}',
      '',
    ].join('\n');
    const { atoms, graph } = graphFromSources([
      { path: 'src/check.ts', code: check },
      { path: 'src/badge.tsx', code: view },
    ]);
    const fileOf = new Map(atoms.map((a) => [a.id, a.file]));
    // Edges run from the atom depended on to the atom that depends on it.
    const across = graph.edges.filter(
      (e) => fileOf.get(e.from) === 'src/check.ts' && fileOf.get(e.to) === 'src/badge.tsx',
    );
    expect(across).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'import', symbol: 'always' }),
        expect.objectContaining({ kind: 'type', symbol: 'Check' }),
      ]),
    );
  });
});
