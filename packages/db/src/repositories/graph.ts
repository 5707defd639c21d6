import { asc, eq, inArray } from 'drizzle-orm';
import type { EdgeKind } from '@mge/core';
import type { Db } from '../client.js';
import {
  atomDependencies,
  atomicUnits,
  dependencyGraphs,
  executionWaves,
} from '../schema/index.js';

export interface GraphRecord {
  planId: string;
  /** `strength` defaults to 1 (the column default). */
  edges: { from: string; to: string; kind: EdgeKind; symbol: string; strength?: number }[];
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
      .values(
        graph.edges.slice(i, i + 1000).map((e) => ({
          masterplanId: planId,
          fromAtomId: e.from,
          toAtomId: e.to,
          kind: e.kind,
          symbol: e.symbol,
          strength: e.strength ?? 1,
        })),
      )
      .onConflictDoNothing();
  }
  if (graph.waves.length > 0) {
    await db
      .insert(executionWaves)
      .values(
        graph.waves.map((atomIds, waveIndex) => ({
          masterplanId: planId,
          waveIndex,
          atomIds,
          remaining: atomIds.length,
        })),
      )
      .onConflictDoNothing();
    for (const [waveIndex, atomIds] of graph.waves.entries()) {
      for (let i = 0; i < atomIds.length; i += 1000) {
        await db
          .update(atomicUnits)
          .set({ wave: waveIndex })
          .where(inArray(atomicUnits.id, atomIds.slice(i, i + 1000)));
      }
    }
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
        .set({
          pendingPrerequisites: n,
          ...(n === 0
            ? { status: 'ready' as const, readyAt: new Date() }
            : { status: 'pending' as const }),
        })
        .where(inArray(atomicUnits.id, chunk));
      if (n === 0) ready.push(...chunk);
    }
  }
  return ready;
}

/** Whether the plan's graph is stored (reads no more than the row's id: a plan view asks often). */
export async function hasStoredGraph(db: Db, planId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: dependencyGraphs.id })
    .from(dependencyGraphs)
    .where(eq(dependencyGraphs.masterplanId, planId));
  return row !== undefined;
}

export async function findGraph(db: Db, planId: string) {
  const [graph] = await db
    .select()
    .from(dependencyGraphs)
    .where(eq(dependencyGraphs.masterplanId, planId));
  return graph;
}

export function listPlanEdges(db: Db, planId: string): Promise<{ from: string; to: string }[]> {
  return db
    .selectDistinct({ from: atomDependencies.fromAtomId, to: atomDependencies.toAtomId })
    .from(atomDependencies)
    .where(eq(atomDependencies.masterplanId, planId));
}

/** A stored graph with its atoms and edges, for the API; undefined until the plan's graph is built. */
export async function loadPlanGraph(db: Db, planId: string) {
  const summary = await findGraph(db, planId);
  if (!summary) return undefined;
  const atoms = await db
    .select({
      id: atomicUnits.id,
      file: atomicUnits.file,
      ordinal: atomicUnits.ordinal,
      name: atomicUnits.name,
      kind: atomicUnits.kind,
      startLine: atomicUnits.startLine,
      endLine: atomicUnits.endLine,
      status: atomicUnits.status,
      cycleGroup: atomicUnits.cycleGroup,
    })
    .from(atomicUnits)
    .where(eq(atomicUnits.masterplanId, planId))
    .orderBy(asc(atomicUnits.file), asc(atomicUnits.ordinal));
  const edges = await db
    .select({
      from: atomDependencies.fromAtomId,
      to: atomDependencies.toAtomId,
      kind: atomDependencies.kind,
      symbol: atomDependencies.symbol,
      strength: atomDependencies.strength,
    })
    .from(atomDependencies)
    .where(eq(atomDependencies.masterplanId, planId));
  return { summary, atoms, edges, waves: await listWaves(db, planId) };
}

/** A plan's execution waves in order. */
export function listWaves(db: Db, planId: string) {
  return db
    .select({
      index: executionWaves.waveIndex,
      status: executionWaves.status,
      atomIds: executionWaves.atomIds,
    })
    .from(executionWaves)
    .where(eq(executionWaves.masterplanId, planId))
    .orderBy(asc(executionWaves.waveIndex));
}
