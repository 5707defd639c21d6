import { readFile, writeFile } from 'node:fs/promises';
import { fileLanguage, InvalidInputError } from '@mge/core';
import {
  createGraphPool,
  graphFromSourcesOnThreads,
  type BuiltGraph,
  graphReport,
  renderGraphSvg,
  type GraphAtomInfo,
  type GraphReport,
} from '@mge/graph';
import { readPlanFile } from '../plan-file.js';
import { print, printError } from '../output.js';

const PLAN_FILE = /\.(json|ya?ml)$/i;

/**
 * `mge graph PLAN_OR_FILES... [--json] [--svg FILE]`: the dependency graph of a plan's task files
 * or of source files, without running anything. Atom ids are `<file>#<ordinal>` with `file` as
 * given (on the command line or in the plan) and `ordinal` the atom's 0-based position in it.
 * Exit 0, or 2 on bad input (reason on stderr).
 */
export async function graphCommand(
  inputs: string[],
  options: { json?: boolean; svg?: string },
): Promise<number> {
  let built: BuiltGraph;
  // The command's own pool (a CLI run has no Resources); threads start only for a large build.
  const pool = createGraphPool();
  try {
    built = await graphFromSourcesOnThreads(await loadSources(inputs), pool);
  } catch (error) {
    if (error instanceof InvalidInputError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      await printError(`mge graph: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await pool.close();
  }
  const report = graphReport(built.atoms, built.graph);
  if (options.svg) {
    const atoms = built.atoms.map((a) => ({ id: a.id, label: `${a.file}: ${a.name}` }));
    await writeFile(
      options.svg,
      renderGraphSvg({ ...report, atoms, cycleGroups: built.graph.cycleGroups }),
    );
  }
  if (options.json) await print(`${JSON.stringify(report)}\n`);
  else await print(summary(report, built.graph.cycleGroups));
  return 0;
}

/** Plan files contribute their tasks' files; anything else is read as a source file. */
async function loadSources(inputs: string[]): Promise<{ path: string; code: string }[]> {
  const sources: { path: string; code: string }[] = [];
  for (const input of inputs) {
    if (PLAN_FILE.test(input)) {
      const plan = await readPlanFile(input);
      sources.push(...plan.tasks.map((t) => ({ path: t.file, code: t.code })));
    } else {
      if (!fileLanguage(input))
        throw new InvalidInputError(
          `${input}: not a plan (.json, .yaml) or a TypeScript, JavaScript or Python file`,
        );
      sources.push({ path: input, code: await readFile(input, 'utf8') });
    }
  }
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.path)) throw new InvalidInputError(`${s.path} is given twice`);
    seen.add(s.path);
  }
  return sources;
}

function summary(report: GraphReport, cycleGroups: string[][]): string {
  const byId = new Map<string, GraphAtomInfo>(report.atoms.map((a) => [a.id, a]));
  const name = (id: string) => `${byId.get(id)?.name ?? '?'} (${id})`;
  return [
    `${report.atoms.length} atoms, ${report.edges.length} edges, ${report.waves.length} waves, max parallelism ${report.maxParallelism}`,
    ...report.waves.map((wave, i) => `wave ${i + 1}: ${wave.map(name).join(', ')}`),
    `critical path: ${report.criticalPath.map(name).join(' -> ')}`,
    ...cycleGroups.map((group) => `cycle (generated together): ${group.map(name).join(', ')}`),
    '',
  ].join('\n');
}
