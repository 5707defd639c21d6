/**
 * Dependency-graph benchmark: `node -r esbuild-register scripts/bench-graph.ts [--json]`.
 *
 * 1. DAG core (cycles, longest-path layering, critical path) on generated graphs of 10k and 100k
 *    atoms with 3 edges per atom, including some cycles: the 100k atoms / 300k edges goal.
 * 2. The whole pipeline from source text (parse, symbols, resolution, edges, layering) on
 *    generated TypeScript plans of 1k and 10k atoms: where the time really goes.
 * Ratios matter more than absolute times on this 2-core machine.
 */
import { buildDependencyGraph, planWaves, type GraphSourceFile } from '@mge/graph';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** n atoms, 3n edges, mostly forward (a DAG of depth ~log n) plus 1% back edges that form cycles. */
function randomGraph(n: number, seed = 42) {
  const rand = lcg(seed);
  const ids = Array.from({ length: n }, (_, i) => `atom-${i}`);
  const edges: { from: string; to: string }[] = [];
  for (let e = 0; e < 3 * n; e++) {
    const a = Math.floor(rand() * n);
    const b = Math.floor(rand() * n);
    if (a === b) continue;
    const back = rand() < 0.01;
    edges.push(back === a < b ? { from: ids[b]!, to: ids[a]! } : { from: ids[a]!, to: ids[b]! });
  }
  return { ids, edges };
}

/** A TypeScript plan of `files` files with 10 functions each, calling across files through imports. */
function generatedPlan(files: number): GraphSourceFile[] {
  const rand = lcg(7);
  return Array.from({ length: files }, (_, f) => {
    const chunks: string[] = [];
    const deps = f === 0 ? [] : [Math.floor(rand() * f), Math.floor(rand() * f)];
    chunks.push(
      [...new Set(deps)].map((d) => `import { f${d}_0, f${d}_1 } from './m${d}.js';\n`).join('') +
        '\n',
    );
    for (let i = 0; i < 10; i++) {
      const calls = [
        i > 0 ? `f${f}_${i - 1}(x)` : '0',
        ...deps.map((d) => `f${d}_${i % 2}(x)`),
      ].join(' + ');
      chunks.push(
        `export function f${f}_${i}(x: number): number {\n  const y = x * ${i + 1};\n  return y + ${calls};\n}\n\n`,
      );
    }
    let byte = 0;
    const atoms = chunks.map((c, i) => ({
      id: `m${f}.ts#${i}`,
      startByte: byte,
      endByte: (byte += Buffer.byteLength(c)),
    }));
    return { path: `src/m${f}.ts`, code: chunks.join(''), atoms };
  });
}

function time<T>(run: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const rows: Record<string, unknown>[] = [];
for (const n of [10_000, 100_000]) {
  const { ids, edges } = randomGraph(n);
  planWaves(ids, edges); // warm-up
  const { ms, result } = time(() => planWaves(ids, edges));
  rows.push({
    case: 'layering',
    atoms: n,
    edges: edges.length,
    ms: Math.round(ms),
    waves: result.waves.length,
    cycleGroups: result.cycleGroups.length,
    maxParallelism: result.maxParallelism,
  });
}
for (const files of [100, 1000]) {
  const plan = generatedPlan(files);
  const { ms, result } = time(() => buildDependencyGraph(plan));
  rows.push({
    case: 'from source',
    atoms: result.atomIds.length,
    edges: result.edges.length,
    ms: Math.round(ms),
    waves: result.waves.length,
    cycleGroups: result.cycleGroups.length,
    maxParallelism: result.maxParallelism,
  });
}
const perAtom = rows.map((r) => ({
  ...r,
  usPerAtom: Math.round((1000 * (r.ms as number)) / (r.atoms as number)),
}));
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(perAtom)}\n`);
else console.table(perAtom);
