import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '@mge/core';
import {
  assembleGraph,
  buildDependencyGraph,
  buildDependencyGraphOnThreads,
  type GraphSourceFile,
} from './build-dependency-graph.js';
import { decodeFacts } from './facts-codec.js';
import { fileFacts, type FactsTask } from './file-facts.js';
import { createGraphPool, type GraphPool } from './graph-pool.js';
import { chunkedFile } from './test-support/chunked-file.js';

/**
 * The pool runs the compiled worker from dist (`npm test` builds first): worker threads cannot
 * load the TypeScript sources this test file is compiled from.
 */
describe('graph pool', () => {
  let pool: GraphPool;
  beforeAll(() => {
    pool = createGraphPool({ size: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('computes on a thread exactly the facts the calling thread computes', async () => {
    const code = `import { helper } from './helper.js';\n\nexport class Shape {\n  area(): number {\n    return helper(1);\n  }\n}\n\nexport function make(): Shape {\n  const s = new Shape();\n  return s;\n}\n`;
    const given: FactsTask = {
      file: 'src/shape.ts',
      code,
      atoms: [
        { startByte: 0, endByte: 38 },
        { startByte: 38, endByte: code.length },
      ],
    };
    const cut: FactsTask = { file: 'src/shape.ts', code };
    for (const task of [given, cut]) {
      const local = fileFacts(task);
      const [remote] = decodeFacts(await pool.run({ file: task.file, tasks: [task] }));
      expect(remote).toEqual(local);
      expect(remote!.symbols!.references.length).toBeGreaterThan(0);
    }
  });

  it('builds a large plan on threads into the graph the calling thread builds', async () => {
    // 400 files of 1.5 KB: above the size below which a build stays on the calling thread.
    const plan = (edition: number) =>
      Array.from({ length: 400 }, (_, f) =>
        chunkedFile(`src/m${f}.ts`, {
          head: `// edition ${edition}\n${f > 0 ? `import { f${f - 1} } from './m${f - 1}.js';\n` : ''}`,
          body: `export function f${f}(x: number): number {\n  // ${'-'.repeat(1400)}\n  return ${f > 0 ? `f${f - 1}(x)` : 'x'};\n}\n`,
        }),
      );
    const threaded = await buildDependencyGraphOnThreads(plan(1), pool);
    const local = buildDependencyGraph(plan(2)); // another edition: not from the cache
    const strip = (g: typeof local) =>
      JSON.stringify([g.edges, g.waves, g.criticalPath]).replace(/edition \d/g, '');
    expect(strip(threaded)).toEqual(strip(local));
    // m0 imports nothing; each later file adds its import wave and its body wave.
    expect(threaded.waves).toHaveLength(799);
  }, 60_000);

  it("gives the calling thread's facts and graph on this repository's own sources", async () => {
    const root = path.join(__dirname, '..', '..');
    const tasks: FactsTask[] = ['atomizer', 'core', 'graph', 'pipeline', 'source'].flatMap((pkg) =>
      readdirSync(path.join(root, pkg, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .sort()
        .map((f) => {
          const file = path.join(root, pkg, 'src', f);
          return { file: path.relative(root, file), code: readFileSync(file, 'utf8') };
        }),
    );
    expect(tasks.length).toBeGreaterThan(100);
    const local = tasks.map(fileFacts);
    // Straight from the threads (not through the facts cache), in two batches as a build sends them.
    const half = Math.floor(tasks.length / 2);
    const remote = (
      await Promise.all(
        [tasks.slice(0, half), tasks.slice(half)].map(async (batch) =>
          decodeFacts(await pool.run({ file: batch[0]!.file, tasks: batch })),
        ),
      )
    ).flat();
    expect(remote).toEqual(local);
    const files: GraphSourceFile[] = tasks.map(({ file, code }, i) => ({
      path: file,
      code,
      atoms: local[i]!.cut!.map((a) => ({
        id: `${file}#${a.ordinal}`,
        startByte: a.startByte,
        endByte: a.endByte,
      })),
    }));
    const graph = (facts: typeof local) => {
      const g = assembleGraph(files, facts);
      return JSON.stringify([g.edges, g.waves, g.criticalPath, g.cycleGroups, g.boundaries]);
    };
    const expected = graph(local);
    expect(expected.length).toBeGreaterThan(10_000);
    expect(graph(remote)).toBe(expected);
  }, 120_000);

  it('rejects a file that does not parse with an InvalidInputError', async () => {
    const broken = {
      file: 'broken.py',
      tasks: [{ file: 'broken.py', code: 'def broken(:\n    pass\n' }],
    };
    await expect(pool.run(broken)).rejects.toThrow(InvalidInputError);
    await expect(pool.run(broken)).rejects.toThrow(/line 1/);
  });
});
