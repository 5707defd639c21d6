import { and, asc, count, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Diagnostic, ValidationLevel } from '@mge/core';
import type { Db } from '../client.js';
import {
  atomDependencies,
  atomicUnits,
  atomRetryHistory,
  humanReviewQueue,
  type AtomicUnit,
  type NewAtomicUnit,
} from '../schema/index.js';

export async function insertAtoms(db: Db, atoms: NewAtomicUnit[]): Promise<void> {
  // Chunked: Postgres caps bind parameters per statement.
  for (let i = 0; i < atoms.length; i += 500)
    await db.insert(atomicUnits).values(atoms.slice(i, i + 500));
}

export function listAtoms(db: Db, planId: string): Promise<AtomicUnit[]> {
  return db
    .select()
    .from(atomicUnits)
    .where(eq(atomicUnits.masterplanId, planId))
    .orderBy(asc(atomicUnits.file), asc(atomicUnits.ordinal));
}

export function listTaskAtoms(db: Db, taskId: string): Promise<AtomicUnit[]> {
  return db
    .select()
    .from(atomicUnits)
    .where(eq(atomicUnits.taskId, taskId))
    .orderBy(asc(atomicUnits.ordinal));
}

export async function findAtom(db: Db, id: string): Promise<AtomicUnit | undefined> {
  const [atom] = await db.select().from(atomicUnits).where(eq(atomicUnits.id, id));
  return atom;
}

/**
 * Starts attempt `attempt` of an atom: from `ready` with the previous attempt number, or again
 * from `running` with the same number (a re-delivered job after a crash). Any other state means
 * the job is stale and returns undefined.
 */
export async function claimAttempt(
  db: Db,
  atomId: string,
  attempt: number,
): Promise<AtomicUnit | undefined> {
  const [atom] = await db
    .update(atomicUnits)
    .set({ status: 'running', attempt })
    .where(
      and(
        eq(atomicUnits.id, atomId),
        or(
          and(eq(atomicUnits.status, 'ready'), eq(atomicUnits.attempt, attempt - 1)),
          and(eq(atomicUnits.status, 'running'), eq(atomicUnits.attempt, attempt)),
        ),
      ),
    )
    .returning();
  return atom;
}

const inFlight = (atomId: string, attempt: number) =>
  and(
    eq(atomicUnits.id, atomId),
    eq(atomicUnits.status, 'running'),
    eq(atomicUnits.attempt, attempt),
  );

/** running(attempt) -> validated, once. */
export async function completeAttempt(
  db: Db,
  atomId: string,
  attempt: number,
  code: string,
): Promise<boolean> {
  const rows = await db
    .update(atomicUnits)
    .set({ status: 'validated', code, diagnostics: [], failedLevel: null, settledAt: new Date() })
    .where(inFlight(atomId, attempt))
    .returning({ id: atomicUnits.id });
  return rows.length > 0;
}

/** running(attempt) -> ready for the next attempt (with the error as feedback) or failed, once. */
export async function rejectAttempt(
  db: Db,
  atomId: string,
  attempt: number,
  outcome: {
    final: boolean;
    level: ValidationLevel;
    diagnostics: Diagnostic[];
    errorCategory: string;
  },
): Promise<boolean> {
  const rows = await db
    .update(atomicUnits)
    .set({
      status: outcome.final ? 'failed' : 'ready',
      diagnostics: outcome.diagnostics,
      failedLevel: outcome.level,
      ...(outcome.final ? { settledAt: new Date() } : { readyAt: new Date() }),
    })
    .where(inFlight(atomId, attempt))
    .returning({ id: atomicUnits.id });
  if (rows.length === 0) return false;
  await db
    .insert(atomRetryHistory)
    .values({
      atomId,
      attempt,
      errorCategory: outcome.errorCategory,
      message: outcome.diagnostics
        .map((d) => (d.line ? `line ${d.line}: ${d.message}` : d.message))
        .join('\n'),
    })
    .onConflictDoNothing();
  return true;
}

/**
 * The eager scheduler's step: an atom was validated, so each distinct dependent outside its cycle
 * group has one fewer open prerequisite. Dependents reaching zero become `ready`; their ids are
 * returned for the caller to enqueue after commit.
 */
export async function releaseDependents(
  db: Db,
  atom: Pick<AtomicUnit, 'id' | 'cycleGroup'>,
  /** `waves`: only count down; the wave barrier (`releaseCurrentWave`) releases. */
  scheduling: 'eager' | 'waves' = 'eager',
): Promise<string[]> {
  const dependents = db
    .selectDistinct({ id: atomDependencies.toAtomId })
    .from(atomDependencies)
    .where(eq(atomDependencies.fromAtomId, atom.id));
  const decremented = await db
    .update(atomicUnits)
    .set({ pendingPrerequisites: sql`${atomicUnits.pendingPrerequisites} - 1` })
    .where(
      and(
        inArray(atomicUnits.id, dependents),
        atom.cycleGroup === null
          ? undefined
          : or(isNull(atomicUnits.cycleGroup), ne(atomicUnits.cycleGroup, atom.cycleGroup)),
      ),
    )
    .returning({
      id: atomicUnits.id,
      pending: atomicUnits.pendingPrerequisites,
      status: atomicUnits.status,
    });
  if (scheduling === 'waves') return [];
  const ready = decremented
    .filter((d) => d.pending === 0 && d.status === 'pending')
    .map((d) => d.id);
  if (ready.length > 0) {
    await db
      .update(atomicUnits)
      .set({ status: 'ready', readyAt: new Date() })
      .where(and(inArray(atomicUnits.id, ready), eq(atomicUnits.status, 'pending')));
  }
  return ready;
}

/** Marks every transitive dependent of a failed atom `blocked`. Returns the ids that changed. */
export async function blockDependents(db: Db, planId: string, atomId: string): Promise<string[]> {
  const edges = await db
    .select({ from: atomDependencies.fromAtomId, to: atomDependencies.toAtomId })
    .from(atomDependencies)
    .where(eq(atomDependencies.masterplanId, planId));
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const reached = new Set<string>();
  const stack = [...(next.get(atomId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === atomId || reached.has(id)) continue;
    reached.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  if (reached.size === 0) return [];
  const rows = await db
    .update(atomicUnits)
    .set({ status: 'blocked', settledAt: new Date() })
    .where(
      and(inArray(atomicUnits.id, [...reached]), inArray(atomicUnits.status, ['pending', 'ready'])),
    )
    .returning({ id: atomicUnits.id });
  return rows.map((r) => r.id);
}

/** Validated code of an atom's prerequisites: the context its generation sees. */
export function listAtomPrerequisites(
  db: Db,
  atomId: string,
): Promise<{ file: string; name: string; code: string | null }[]> {
  return db
    .selectDistinct({ file: atomicUnits.file, name: atomicUnits.name, code: atomicUnits.code })
    .from(atomDependencies)
    .innerJoin(atomicUnits, eq(atomicUnits.id, atomDependencies.fromAtomId))
    .where(eq(atomDependencies.toAtomId, atomId));
}

export async function openReview(
  db: Db,
  planId: string,
  atomId: string,
  reason: string,
): Promise<void> {
  await db
    .insert(humanReviewQueue)
    .values({ masterplanId: planId, atomId, reason })
    .onConflictDoNothing();
}

export async function countAtomsByStatus(db: Db, planId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: atomicUnits.status, n: count() })
    .from(atomicUnits)
    .where(eq(atomicUnits.masterplanId, planId))
    .groupBy(atomicUnits.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Atoms with work in flight or queued: what the reconciler re-enqueues. */
export async function listOpenAtoms(
  db: Db,
  planId: string,
): Promise<{ id: string; status: string; attempt: number }[]> {
  return db
    .select({ id: atomicUnits.id, status: atomicUnits.status, attempt: atomicUnits.attempt })
    .from(atomicUnits)
    .where(
      and(eq(atomicUnits.masterplanId, planId), inArray(atomicUnits.status, ['ready', 'running'])),
    );
}
