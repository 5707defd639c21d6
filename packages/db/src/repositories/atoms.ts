import {
  and,
  asc,
  count,
  eq,
  getTableColumns,
  inArray,
  isNull,
  ne,
  or,
  sql,
  type Placeholder,
} from 'drizzle-orm';
import type { Diagnostic, ValidationLevel } from '@mge/core';
import type { Db } from '../client.js';
import {
  atomDependencies,
  atomicUnits,
  atomRetryHistory,
  humanReviewQueue,
  masterplans,
  validationResults,
  type AtomicUnit,
  type Masterplan,
  type NewAtomicUnit,
} from '../schema/index.js';
import { cachedResponse } from './llm-ledger.js';
import { planReadKeepingInput } from './plans.js';
import { preparedFor, preparedRows, slot } from './statement.js';
import type { NewValidationResult } from './validation.js';

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

/** What one generation attempt of an atom reads, besides the atom. */
export interface AtomContext {
  /** Validated code of its prerequisites (distinct, by file and name): what its prompt shows. */
  prerequisites: { file: string; name: string; code: string | null }[];
  /** Its task's atoms in file order, each with its code as it stands: the file L1 checks in. */
  siblings: { id: string; code: string }[];
}

/**
 * An atom with its generation context, in one statement. (The subqueries name the outer row
 * `atomic_units.*` in full: drizzle renders a column unqualified in a select field, where it would
 * bind to the subquery's own table.)
 */
export async function findAtomWithContext(
  db: Db,
  id: string,
): Promise<(AtomicUnit & AtomContext) | undefined> {
  const [atom] = await db.select(atomWithContext()).from(atomicUnits).where(eq(atomicUnits.id, id));
  return atom;
}

/** The atom's columns and its generation context (`AtomContext`), as select fields. */
function atomWithContext() {
  return {
    ...getTableColumns(atomicUnits),
    prerequisites: sql<AtomContext['prerequisites']>`(
      select coalesce(json_agg(json_build_object('file', p.file, 'name', p.name, 'code', p.code)
        order by p.file, p.name), '[]'::json)
      from (select distinct u.file, u.name, u.code from atom_dependencies d
        join atomic_units u on u.id = d.from_atom_id where d.to_atom_id = atomic_units.id) p)`,
    siblings: sql<AtomContext['siblings']>`(
      select json_agg(json_build_object('id', s.id, 'code', coalesce(s.code, s.draft_code))
        order by s.ordinal)
      from atomic_units s where s.task_id = atomic_units.task_id)`,
  };
}

/**
 * A generation attempt's first read, in one statement: the atom with its context
 * (`findAtomWithContext`) and its job's plan (`findPlanKeepingInput`). Undefined when either is
 * missing.
 */
export async function findAtomAndPlan(
  db: Db,
  id: string,
  planId: string,
): Promise<{ atom: AtomicUnit & AtomContext; plan: Masterplan } | undefined> {
  const read = planReadKeepingInput(planId);
  const p = sql.placeholder;
  const statement = preparedFor(db, `findAtomAndPlan:${read.kept}`, () =>
    db
      .select({ atom: atomWithContext(), plan: read.columns })
      .from(atomicUnits)
      .innerJoin(masterplans, eq(masterplans.id, p('planId')))
      .where(eq(atomicUnits.id, p('id')))
      .prepare('findAtomAndPlan'),
  );
  const [row] = await statement.execute({ id, planId });
  return row && { atom: row.atom, plan: read.complete(row.plan) };
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
    .where(claimable(atomId, attempt))
    .returning();
  return atom;
}

const claimable = (
  atomId: string | Placeholder,
  attempt: number | Placeholder,
  previous: number | Placeholder = (attempt as number) - 1,
) =>
  and(
    eq(atomicUnits.id, atomId),
    or(
      and(eq(atomicUnits.status, 'ready'), eq(atomicUnits.attempt, previous)),
      and(eq(atomicUnits.status, 'running'), eq(atomicUnits.attempt, attempt)),
    ),
  );

/**
 * `claimAttempt` that also looks the attempt's call up in the response cache
 * (`findCachedResponse`), in the same statement: `cached` is the paid answer to the same prompt
 * from the same model, undefined when there is none.
 */
export async function claimAttemptLookingUp(
  db: Db,
  atomId: string,
  attempt: number,
  call: { promptHash: string; model: string },
): Promise<{ atom: AtomicUnit; cached: unknown } | undefined> {
  const p = sql.placeholder;
  const statement = preparedFor(db, 'claimAttemptLookingUp', () =>
    db
      .update(atomicUnits)
      .set({ status: 'running', attempt: slot<number>('attempt'), updatedAt: slot<Date>('now') })
      .where(claimable(p('atomId'), p('attempt'), p('previous')))
      .returning({
        ...getTableColumns(atomicUnits),
        cached: cachedResponse({ promptHash: p('promptHash'), model: p('model') }),
      })
      .prepare('claimAttemptLookingUp'),
  );
  const [row] = await statement.execute({
    atomId,
    attempt,
    previous: attempt - 1,
    now: new Date(),
    promptHash: call.promptHash,
    model: call.model,
  });
  if (!row) return undefined;
  const { cached, ...atom } = row;
  return { atom, cached: cached ?? undefined };
}

const inFlight = (atomId: string | Placeholder, attempt: number | Placeholder) =>
  and(
    eq(atomicUnits.id, atomId),
    eq(atomicUnits.status, 'running'),
    eq(atomicUnits.attempt, attempt),
  );

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
    /** The model's answer that was refused. */
    answer: string;
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
      answer: outcome.answer,
    })
    .onConflictDoNothing();
  return true;
}

/**
 * Settles an accepted attempt in one statement (atomic without a transaction): running(attempt)
 * -> validated, once; the check's validation row; the scheduler's step (each distinct dependent
 * outside the atom's cycle group has one fewer open prerequisite, and under eager scheduling the
 * ones reaching zero become `ready`); the plan's count of open atoms. Undefined when a re-run
 * already settled the attempt; else the released ids (to enqueue after commit) and the atoms
 * still open in the plan.
 */
export async function validateAttempt(
  db: Db,
  atom: Pick<AtomicUnit, 'id' | 'masterplanId' | 'cycleGroup'>,
  attempt: number,
  code: string,
  options: {
    /** `waves`: only count down; the wave barrier (`releaseCurrentWave`) releases. */
    scheduling: 'eager' | 'waves';
    validation: NewValidationResult;
  },
): Promise<{ ready: string[]; remaining: number } | undefined> {
  const { scheduling, validation } = options;
  const inCycle = atom.cycleGroup !== null;
  // Built once per shape: the scheduling, whether the atom is in a cycle group and the columns
  // the validation row sets (a column left out takes its default).
  const columns = Object.keys(validation).filter(
    (k) => validation[k as keyof NewValidationResult] !== undefined,
  );
  const [row] = await preparedRows<{ remaining: number | null; ready: string[] }>(
    db,
    `validateAttempt:${scheduling}:${inCycle}:${columns.join(',')}`,
    () => validateAttemptStatement(db, scheduling, inCycle, columns),
    {
      atomId: atom.id,
      attempt,
      code,
      now: new Date(),
      planId: atom.masterplanId,
      cycleGroup: atom.cycleGroup,
      ...Object.fromEntries(
        columns.map((k) => [`v_${k}`, validation[k as keyof NewValidationResult]]),
      ),
    },
  );
  if (row?.remaining === null || row?.remaining === undefined) return undefined;
  return { ready: row.ready, remaining: row.remaining };
}

/**
 * `validateAttempt`'s statement, with placeholders for its values. (`updated_at` is set from a
 * placeholder: drizzle computes an `$onUpdate` value when it builds the statement, once here.)
 */
function validateAttemptStatement(
  db: Db,
  scheduling: 'eager' | 'waves',
  inCycle: boolean,
  validationColumns: string[],
) {
  const p = sql.placeholder;
  const done = db
    .update(atomicUnits)
    .set({
      status: 'validated',
      code: slot<string>('code'),
      diagnostics: [],
      failedLevel: null,
      settledAt: slot<Date>('now'),
      updatedAt: slot<Date>('now'),
    })
    .where(inFlight(p('atomId'), p('attempt')))
    .returning({ id: atomicUnits.id });
  const { pendingPrerequisites: pending, status, readyAt } = atomicUnits;
  const releases = sql`${pending} = 1 and ${status} = 'pending'`;
  const dependents = db
    .update(atomicUnits)
    .set({
      pendingPrerequisites: sql`${pending} - 1`,
      updatedAt: slot<Date>('now'),
      ...(scheduling === 'eager'
        ? {
            status: sql`case when ${releases} then 'ready' else ${status} end`,
            // now() (the transaction's start) marks the rows this statement released: no other
            // transaction set that time. So under eager scheduling run it as its own statement.
            readyAt: sql`case when ${releases} then now() else ${readyAt} end`,
          }
        : {}),
    })
    .where(
      and(
        sql`exists (select 1 from done)`,
        inArray(
          atomicUnits.id,
          db
            .selectDistinct({ id: atomDependencies.toAtomId })
            .from(atomDependencies)
            .where(eq(atomDependencies.fromAtomId, p('atomId'))),
        ),
        inCycle
          ? or(isNull(atomicUnits.cycleGroup), ne(atomicUnits.cycleGroup, p('cycleGroup')))
          : undefined,
      ),
    )
    .returning({ id: atomicUnits.id, status, readyAt });
  const open = db
    .update(masterplans)
    .set({ atomsRemaining: sql`${masterplans.atomsRemaining} - 1`, updatedAt: slot<Date>('now') })
    .where(and(eq(masterplans.id, p('planId')), sql`exists (select 1 from done)`))
    .returning({ remaining: masterplans.atomsRemaining });
  const validation = db
    .insert(validationResults)
    .values(
      Object.fromEntries(
        validationColumns.map((k) => [k, p(`v_${k}`)]),
      ) as unknown as NewValidationResult,
    );
  return sql`with done as (${done.getSQL()}),
      validation as (${validation.getSQL()}),
      dependents as (${dependents.getSQL()}), open as (${open.getSQL()})
      select (select atoms_remaining from open) as remaining,
        coalesce((select json_agg(id) from dependents where status = 'ready' and ready_at = now()), '[]'::json) as ready`;
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
