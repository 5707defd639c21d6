/**
 * Dependency-graph benchmark:
 * `node -r esbuild-register scripts/bench-graph.ts [--dag 10000,100000] [--files 100,1000] [--json]`.
 *
 * 1. DAG core (cycles, longest-path layering, critical path) on generated graphs of `--dag` atoms
 *    with 3 edges per atom, including some cycles: the 100k atoms / 300k edges goal. The
 *    same layering with graphlib's Graph, alg.tarjan and alg.topsort runs next to it (ratio).
 * 2. The whole build from source text (parse, symbols, resolution, edges, layering) on generated
 *    TypeScript plans of `--files` files (11 atoms each): on the calling thread, on the graph
 *    pool's worker threads, rebuilt unchanged (facts from the cache), rebuilt with 1% of the
 *    files edited, and atomized from bare source as `mge graph` does.
 * Ratios matter more than absolute times on this 2-core machine.
 */
import { alg, Graph } from '@dagrejs/graphlib';
import {
  atomGraph,
  buildDependencyGraph,
  buildDependencyGraphOnThreads,
  graphFromSourcesOnThreads,
  planWaves,
  createGraphPool,
  type GraphPool,
  type DependencyGraph,
  type GraphSourceFile,
} from '@mge/graph';

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

/**
 * A TypeScript plan of `files` files with 10 functions each, calling across files through imports.
 * `edition(f)` heads file f with a comment: another edition of a file is another content hash.
 */
function generatedPlan(files: number, edition: (file: number) => number): GraphSourceFile[] {
  const rand = lcg(7);
  return Array.from({ length: files }, (_, f) => {
    const chunks: string[] = [`// edition ${edition(f)}\n`];
    const deps = f === 0 ? [] : [Math.floor(rand() * f), Math.floor(rand() * f)];
    chunks[0] +=
      [...new Set(deps)].map((d) => `import { f${d}_0, f${d}_1 } from './m${d}.js';\n`).join('') +
      '\n';
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

/**
 * The same layering with graphlib doing what it can (graph, Tarjan, topological sort of the
 * condensation); only the longest-path layering, which graphlib lacks, is written out here.
 */
function graphlibWaves(ids: string[], edges: { from: string; to: string }[]): number {
  const graph = atomGraph(
    ids,
    edges.map((e) => ({ ...e, kind: 'call' })),
  );
  const componentOf = new Map<string, number>();
  alg.tarjan(graph).forEach((members, c) => members.forEach((id) => componentOf.set(id, c)));
  const condensed = new Graph();
  for (const c of new Set(componentOf.values())) condensed.setNode(String(c));
  for (const e of edges) {
    const a = componentOf.get(e.from)!;
    const b = componentOf.get(e.to)!;
    if (a !== b) condensed.setEdge(String(a), String(b));
  }
  const depth = new Map<string, number>();
  for (const c of alg.topsort(condensed)) {
    const d = Math.max(-1, ...(condensed.predecessors(c) ?? []).map((p) => depth.get(p)!)) + 1;
    depth.set(c, d);
  }
  return Math.max(...depth.values()) + 1;
}

/** Longest chain graphlib's recursive Tarjan survives (doubling, then halving, on a plain chain). */
function graphlibDepthLimit(): number {
  const survives = (n: number) => {
    const ids = Array.from({ length: n }, (_, i) => `a${i}`);
    try {
      alg.tarjan(
        atomGraph(
          ids,
          ids.slice(1).map((to, i) => ({ from: ids[i]!, to, kind: 'order' })),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
  };
  let lo = 100;
  let hi = 200;
  while (survives(hi)) [lo, hi] = [hi, hi * 2];
  while (hi - lo > lo / 20) {
    const mid = Math.round((lo + hi) / 2);
    if (survives(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

interface Timed<T> {
  ms: number;
  /** CPU time of the whole process (every thread) meanwhile: wall time on a shared machine inflates. */
  cpuMs: number;
  result: T;
}

function time<T>(run: () => T): Timed<T> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = run();
  return finish(start, cpu, result);
}

async function timeAsync<T>(run: () => Promise<T>): Promise<Timed<T>> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await run();
  return finish(start, cpu, result);
}

function finish<T>(start: bigint, cpu: NodeJS.CpuUsage, result: T): Timed<T> {
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    result,
  };
}

function sizes(flag: string, defaults: number[]): number[] {
  const at = process.argv.indexOf(flag);
  return at === -1 ? defaults : process.argv[at + 1]!.split(',').map(Number).filter(Boolean);
}

function sourceRow(
  name: string,
  { ms, cpuMs }: Timed<unknown>,
  graph: DependencyGraph,
  base?: DependencyGraph,
) {
  if (base && JSON.stringify(graph.waves) !== JSON.stringify(base.waves))
    throw new Error(`${name}: another graph than the calling thread's`);
  return {
    case: name,
    atoms: graph.atomIds.length,
    edges: graph.edges.length,
    ms: Math.round(ms),
    cpuMs: Math.round(cpuMs),
    waves: graph.waves.length,
    cycleGroups: graph.cycleGroups.length,
    maxParallelism: graph.maxParallelism,
  };
}

const rows: Record<string, unknown>[] = [];
for (const n of sizes('--dag', [10_000, 100_000])) {
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
  graphlibWaves(ids, edges); // warm-up
  const viaGraphlib = time(() => graphlibWaves(ids, edges));
  if (viaGraphlib.result !== result.waves.length)
    throw new Error(
      `graphlib layering gave ${viaGraphlib.result} waves, not ${result.waves.length}`,
    );
  rows.push({
    case: 'layering (graphlib)',
    atoms: n,
    edges: edges.length,
    ms: Math.round(viaGraphlib.ms),
    waves: viaGraphlib.result,
    vsOwn: `${(viaGraphlib.ms / ms).toFixed(1)}x`,
  });
}
async function fromSource(pool: GraphPool, files: number): Promise<void> {
  const plan = (edition: (file: number) => number) => generatedPlan(files, edition);
  const single = time(() => buildDependencyGraph(plan(() => 1)));
  rows.push(sourceRow('from source, calling thread', single, single.result));
  await buildDependencyGraphOnThreads(
    plan(() => 0),
    pool,
  ); // starts the pool's threads
  // The split: per-file work on the threads (the calling thread decodes their answers), then
  // linking, edges and layering on the calling thread alone.
  let collected: { at: bigint; cpu: NodeJS.CpuUsage } | undefined;
  const cold = await timeAsync(() =>
    buildDependencyGraphOnThreads(
      plan(() => 2),
      pool,
      () => (collected = { at: process.hrtime.bigint(), cpu: process.cpuUsage() }),
    ),
  );
  const assemblyMs = Math.round(Number(process.hrtime.bigint() - collected!.at) / 1e6);
  const assembly = process.cpuUsage(collected!.cpu);
  rows.push({
    ...sourceRow('from source, worker threads', cold, cold.result, single.result),
    assemblyMs,
    assemblyCpuMs: Math.round((assembly.user + assembly.system) / 1000),
  });
  const warm = await timeAsync(() =>
    buildDependencyGraphOnThreads(
      plan(() => 2),
      pool,
    ),
  );
  rows.push(sourceRow('rebuild, nothing changed', warm, warm.result, single.result));
  const edited = await timeAsync(() =>
    buildDependencyGraphOnThreads(
      plan((f) => (f % 100 === 0 ? 3 : 2)),
      pool,
    ),
  );
  rows.push(sourceRow('rebuild, 1% of files edited', edited, edited.result, single.result));
  const sources = plan(() => 4).map(({ path, code }) => ({ path, code }));
  const cli = await timeAsync(() => graphFromSourcesOnThreads(sources, pool));
  rows.push(sourceRow('atomize + build (mge graph), worker threads', cli, cli.result.graph));
}

async function main(): Promise<void> {
  const pool = createGraphPool();
  try {
    for (const files of sizes('--files', [100, 1000])) await fromSource(pool, files);
  } finally {
    await pool.close();
  }
}

void main().then(() => {
  const perAtom = rows.map((r) => ({
    ...r,
    usPerAtom: Math.round((1000 * (r.ms as number)) / (r.atoms as number)),
  }));
  const depthLimit = graphlibDepthLimit();
  if (process.argv.includes('--json'))
    process.stdout.write(
      `${JSON.stringify({ rows: perAtom, graphlibTarjanMaxChain: depthLimit })}\n`,
    );
  else {
    console.table(perAtom);
    console.log(
      `graphlib alg.tarjan overflows the stack on a chain longer than about ${depthLimit} atoms`,
    );
  }
});
