import { findPlan, listAtoms, saveGraph, transitionPlan } from '@mge/db';
import { planWaves, resolveEdges, toGraph } from '@mge/graph';
import { enqueueMany, type JobContext, type Payload } from '@mge/queue';
import type { Resources } from '../resources.js';
import { finishGeneration } from './settle-atom.js';

/** graph(plan): edges from symbols, waves, then release every atom with no open prerequisite. */
export async function buildGraph(r: Resources, { planId }: Payload<'graph'>, { logger }: JobContext): Promise<void> {
  const plan = await findPlan(r.db, planId);
  if (plan?.status !== 'graphing') {
    logger.info({ planStatus: plan?.status }, 'nothing to do: plan is not graphing');
    return;
  }
  const atoms = await listAtoms(r.db, planId);
  const edges = resolveEdges(atoms);
  const ids = atoms.map((a) => a.id);
  const waves = planWaves(toGraph(ids, edges));

  const groupOf = new Map<string, number>();
  waves.cycleGroups.forEach((members, i) => members.forEach((id) => groupOf.set(id, i)));
  const prerequisites = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const edge of edges) {
    const sameGroup = groupOf.has(edge.from) && groupOf.get(edge.from) === groupOf.get(edge.to);
    if (!sameGroup) prerequisites.get(edge.to)!.add(edge.from);
  }

  const ready = await r.db.transaction(async (tx) => {
    if (!(await transitionPlan(tx, planId, ['graphing'], 'generating', { atomsRemaining: atoms.length }))) return undefined;
    return saveGraph(tx, {
      planId,
      edges,
      waves: waves.waves,
      cycleGroups: waves.cycleGroups,
      criticalPath: waves.criticalPath,
      maxParallelism: waves.maxParallelism,
      pendingPrerequisites: new Map([...prerequisites].map(([id, set]) => [id, set.size])),
    });
  });
  if (ready === undefined) return;
  logger.info({ atoms: atoms.length, edges: edges.length, waves: waves.waves.length, ready: ready.length }, 'graph built');
  await enqueueMany(r.queues, 'generate', ready.map((atomId) => ({ planId, atomId, attempt: 1 })));
  if (atoms.length === 0) await finishGeneration(r, planId);
}
