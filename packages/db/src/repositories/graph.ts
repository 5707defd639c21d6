import { eq, inArray } from 'drizzle-orm';
import type { EdgeKind } from '@mge/core';
import type { Db } from '../client.js';
import { atomDependencies, atomicUnits, dependencyGraphs, executionWaves } from '../schema/index.js';

export interface GraphRecord {
  planId: string;
  edges: { from: string; to: string; kind: EdgeKind; symbol: string }[];
  waves: string[][];
  cycleGroups: string[][];
  criticalPath: string[];
  maxParallelism: number;
  /** Open prerequisite count per atom (distinct prerequisites outside its cycle group). */
  pendingPrerequisites: Map<string, number>;
}

/** Stores a plan's graph and primes the scheduler: atoms with no open prerequisite become `ready`. */
export async function saveGraph(db: Db, graph: GraphRecord): Promise<string[]> {
  const { planId } = graph;
  for (let i = 0; i < graph.edges.length; i += 1000) {
    await db
      .insert(atomDependencies)
      .values(graph.edges.slice(i, i + 1000).map((e) => ({ masterplanId: planId, fromAtomId: e.from, toAtomId: e.to, kind: e.kind, symbol: e.symbol })))
      .onConflictDoNothing();
  }
  if (graph.waves.length > 0) {
    await db
      .insert(executionWaves)
      .values(graph.waves.map((atomIds, waveIndex) => ({ masterplanId: planId, waveIndex, atomIds })))
      .onConflictDoNothing();
  }
  await db
    .insert(dependencyGraphs)
    .values({
      masterplanId: planId,
      atomCount: graph.pendingPrerequisites.size,
      edgeCount: graph.edges.length,
      waveCount: graph.waves.length,
      maxParallelism: graph.maxParallelism,
      criticalPath: graph.criticalPath,
      cycleGroups: graph.cycleGroups,
    })
    .onConflictDoNothing();

  for (const [group, members] of graph.cycleGroups.entries()) {
    await db.update(atomicUnits).set({ cycleGroup: group }).where(inArray(atomicUnits.id, members));
  }
  // One UPDATE per distinct count keeps this to a handful of statements.
  const byCount = new Map<number, string[]>();
  for (const [id, n] of graph.pendingPrerequisites) byCount.set(n, [...(byCount.get(n) ?? []), id]);
  const ready: string[] = [];
  for (const [n, ids] of byCount) {
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      await db
        .update(atomicUnits)
        .set({ pendingPrerequisites: n, status: n === 0 ? 'ready' : 'pending' })
        .where(inArray(atomicUnits.id, chunk));
      if (n === 0) ready.push(...chunk);
    }
  }
  return ready;
}

export async function findGraph(db: Db, planId: string) {
  const [graph] = await db.select().from(dependencyGraphs).where(eq(dependencyGraphs.masterplanId, planId));
  return graph;
}
