import { findPlan, listAtoms, saveGraph, transitionPlan, type AtomicUnit } from '@mge/db';
import {
  buildDependencyGraphOnThreads,
  type DependencyGraph,
  type GraphSourceFile,
} from '@mge/graph';
import type { JobContext, Payload } from '@mge/queue';
import { effects, generateJobs, type Effects } from '../runtime/effects.js';
import { atomEvents, planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';

/** graph(plan): edges from resolved symbols, waves, then release every atom with no open prerequisite. */
export async function buildGraph(
  r: Resources,
  { planId }: Payload<'graph'>,
  { logger }: JobContext,
): Promise<Effects | undefined> {
  const plan = await findPlan(r.db, planId);
  if (plan?.status !== 'graphing') {
    logger.info({ planStatus: plan?.status }, 'nothing to do: plan is not graphing');
    return undefined;
  }
  const atoms = await listAtoms(r.db, planId);
  // Off the event loop: a large plan parses for seconds, and a blocked loop misses lock renewals.
  const graph = await buildDependencyGraphOnThreads(sourceFiles(atoms), r.graphPool);

  const ready = await r.db.transaction(async (tx) => {
    if (
      !(await transitionPlan(tx, planId, 'graphed', {
        atomsRemaining: atoms.length,
      }))
    )
      return undefined;
    return saveGraph(tx, {
      planId,
      edges: graph.edges,
      waves: graph.waves,
      cycleGroups: graph.cycleGroups,
      criticalPath: graph.criticalPath,
      maxParallelism: graph.maxParallelism,
      pendingPrerequisites: openPrerequisites(graph),
    });
  });
  if (ready === undefined) return undefined;
  logger.info(
    {
      atoms: atoms.length,
      edges: graph.edges.length,
      waves: graph.waves.length,
      cycleGroups: graph.cycleGroups.length,
      ready: ready.length,
    },
    'graph built',
  );
  const released = new Set(ready);
  return effects(planId, {
    events: [
      planEvent('generating'),
      ...atomEvents(ready, 'ready', 0),
      ...atomEvents(
        atoms.filter((a) => !released.has(a.id)).map((a) => a.id),
        'pending',
        0,
      ),
    ],
    jobs: generateJobs(planId, ready),
    finished: atoms.length === 0,
  });
}

/**
 * Rebuilds each file from its atoms' drafted code (atomization is lossless) with the atoms' byte
 * ranges recomputed from that code, so the graph sees exactly the text it will generate.
 */
export function sourceFiles(
  atoms: readonly Pick<AtomicUnit, 'id' | 'file' | 'ordinal' | 'draftCode'>[],
): GraphSourceFile[] {
  const byFile = new Map<string, (typeof atoms)[number][]>();
  for (const atom of atoms) byFile.set(atom.file, [...(byFile.get(atom.file) ?? []), atom]);
  return [...byFile].map(([path, list]) => {
    let byte = 0;
    const ordered = [...list].sort((a, b) => a.ordinal - b.ordinal);
    const spans = ordered.map((a) => {
      const startByte = byte;
      byte += Buffer.byteLength(a.draftCode);
      return { id: a.id, startByte, endByte: byte };
    });
    return { path, code: ordered.map((a) => a.draftCode).join(''), atoms: spans };
  });
}

/** The eager scheduler's counter: distinct prerequisites outside the atom's own cycle group. */
function openPrerequisites(graph: DependencyGraph): Map<string, number> {
  const groupOf = new Map<string, number>();
  graph.cycleGroups.forEach((members, i) => members.forEach((id) => groupOf.set(id, i)));
  const prerequisites = new Map<string, Set<string>>(graph.atomIds.map((id) => [id, new Set()]));
  for (const edge of graph.edges) {
    const sameGroup = groupOf.has(edge.from) && groupOf.get(edge.from) === groupOf.get(edge.to);
    if (!sameGroup) prerequisites.get(edge.to)?.add(edge.from);
  }
  return new Map([...prerequisites].map(([id, set]) => [id, set.size]));
}
