import { and, eq, inArray, sql } from 'drizzle-orm';
import { PLAN_TRANSITIONS, type Diagnostic, type ValidationLevel } from '@mge/core';
import type { Db } from '../client.js';
import {
  atomicUnits,
  atomRetryHistory,
  masterplans,
  type ConfidenceFeatures,
} from '../schema/index.js';
import { appendHistory } from './plans.js';
import { openReview } from './atoms.js';

/** An atom that L2-L4 validation pointed at, with the attempt whose code failed. */
export interface AtomVerdict {
  atomId: string;
  attempt: number;
  level: ValidationLevel;
  diagnostics: Diagnostic[];
}

/**
 * Targeted repair, in the caller's transaction: the plan goes validating -> generating with the
 * next validation round and `atomsRemaining` = the atoms sent back; each of them goes
 * validated -> ready with its diagnostics as feedback and a retry-history row. Returns the new
 * round, or undefined when the plan was not validating (a re-delivered job: nothing changes).
 */
export async function startRepairRound(
  db: Db,
  planId: string,
  atoms: readonly AtomVerdict[],
): Promise<number | undefined> {
  const [plan] = await db
    .update(masterplans)
    .set({
      status: PLAN_TRANSITIONS.repair.to,
      atomsRemaining: sql`${masterplans.atomsRemaining} + ${atoms.length}`,
      validationRound: sql`${masterplans.validationRound} + 1`,
    })
    .where(
      and(
        eq(masterplans.id, planId),
        inArray(masterplans.status, [...PLAN_TRANSITIONS.repair.from]),
      ),
    )
    .returning({ round: masterplans.validationRound });
  if (!plan) return undefined;
  for (const atom of atoms) {
    await db
      .update(atomicUnits)
      .set({ status: 'ready', diagnostics: atom.diagnostics, failedLevel: atom.level })
      .where(and(eq(atomicUnits.id, atom.atomId), eq(atomicUnits.attempt, atom.attempt)));
    await recordRetry(db, atom);
  }
  await appendHistory(db, planId, 'status:generating', {
    repair: { round: plan.round, atoms: atoms.map((a) => a.atomId) },
  });
  return plan.round;
}

/** Atoms out of attempts: failed, with the reason in the human review queue. */
export async function failForReview(
  db: Db,
  planId: string,
  atoms: readonly (AtomVerdict & { reason: string })[],
): Promise<void> {
  for (const atom of atoms) {
    await db
      .update(atomicUnits)
      .set({ status: 'failed', diagnostics: atom.diagnostics, failedLevel: atom.level })
      .where(eq(atomicUnits.id, atom.atomId));
    await recordRetry(db, atom);
    await openReview(db, planId, atom.atomId, atom.reason);
  }
}

/** Stores each atom's confidence (0..1) and what it was computed from. */
export async function setAtomConfidence(
  db: Db,
  values: readonly { atomId: string; confidence: number; features?: ConfidenceFeatures }[],
): Promise<void> {
  for (const v of values)
    await db
      .update(atomicUnits)
      .set({ confidence: v.confidence, confidenceFeatures: v.features ?? null })
      .where(eq(atomicUnits.id, v.atomId));
}

async function recordRetry(db: Db, atom: AtomVerdict): Promise<void> {
  await db
    .insert(atomRetryHistory)
    .values({
      atomId: atom.atomId,
      attempt: atom.attempt,
      errorCategory: atom.level,
      message: atom.diagnostics
        .map((d) => (d.line ? `${d.file ?? ''}:${d.line}: ${d.message}` : d.message))
        .join('\n')
        .slice(0, 10_000),
      // The answer a later level refused: the atom's code, which the repair round keeps until
      // the next attempt replaces it.
      answer: sql`(select ${atomicUnits.code} from ${atomicUnits} where ${atomicUnits.id} = ${atom.atomId})`,
    })
    .onConflictDoNothing();
}
