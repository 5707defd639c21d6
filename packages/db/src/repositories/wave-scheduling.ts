import { and, eq, gt, inArray, lt, lte, min, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { atomicUnits, executionWaves } from '../schema/index.js';

/*
 * Wave scheduling (`scheduling: waves`): per-wave counters of unsettled atoms, and releasing the
 * next wave when one empties. Eager scheduling releases dependents atom by atom (atoms.ts).
 */

/** Marks atoms settled in their waves; waves scheduling releases the next wave when one empties. */
export function settleInWaves(db: Db, planId: string, atomIds: readonly string[]): Promise<void> {
  return shiftWaveCounters(db, planId, atomIds, -1);
}

/** Atoms back in play after a human review count again in their waves. */
export function reopenInWaves(db: Db, planId: string, atomIds: readonly string[]): Promise<void> {
  return shiftWaveCounters(db, planId, atomIds, 1);
}

async function shiftWaveCounters(
  db: Db,
  planId: string,
  atomIds: readonly string[],
  direction: 1 | -1,
): Promise<void> {
  if (atomIds.length === 0) return;
  const waves = await db
    .select({ wave: atomicUnits.wave, n: sql<number>`count(*)::int` })
    .from(atomicUnits)
    .where(inArray(atomicUnits.id, [...atomIds]))
    .groupBy(atomicUnits.wave);
  for (const { wave, n } of waves) {
    if (wave === null) continue;
    const remaining = sql`${executionWaves.remaining} + ${direction * n}`;
    await db
      .update(executionWaves)
      .set({
        remaining,
        status: sql`case when ${remaining} <= 0 then 'done' else 'running' end`,
      })
      .where(and(eq(executionWaves.masterplanId, planId), eq(executionWaves.waveIndex, wave)));
  }
}

/**
 * Waves scheduling: atoms with no open prerequisite in the lowest unfinished wave (or earlier)
 * become ready. Returns their ids for the caller to enqueue after commit.
 */
export async function releaseCurrentWave(db: Db, planId: string): Promise<string[]> {
  const [row] = await db
    .select({ wave: min(executionWaves.waveIndex) })
    .from(executionWaves)
    .where(and(eq(executionWaves.masterplanId, planId), gt(executionWaves.remaining, 0)));
  if (row?.wave === null || row?.wave === undefined) return [];
  return markWaveReady(db, planId, lte(atomicUnits.wave, row.wave));
}

/**
 * Releases the atoms of one wave whose prerequisites are all validated; undefined when an earlier
 * wave still has unsettled atoms.
 */
export async function releaseWave(
  db: Db,
  planId: string,
  wave: number,
): Promise<string[] | undefined> {
  const [blocking] = await db
    .select({ wave: executionWaves.waveIndex })
    .from(executionWaves)
    .where(
      and(
        eq(executionWaves.masterplanId, planId),
        lt(executionWaves.waveIndex, wave),
        gt(executionWaves.remaining, 0),
      ),
    )
    .limit(1);
  if (blocking) return undefined;
  return markWaveReady(db, planId, eq(atomicUnits.wave, wave));
}

/** Pending atoms of the plan with no open prerequisite, in the given waves, become ready. */
async function markWaveReady(db: Db, planId: string, waves: SQL): Promise<string[]> {
  const released = await db
    .update(atomicUnits)
    .set({ status: 'ready', readyAt: new Date() })
    .where(
      and(
        eq(atomicUnits.masterplanId, planId),
        eq(atomicUnits.status, 'pending'),
        eq(atomicUnits.pendingPrerequisites, 0),
        waves,
      ),
    )
    .returning({ id: atomicUnits.id });
  return released.map((r) => r.id);
}
