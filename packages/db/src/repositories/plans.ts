import { and, count, eq, getTableColumns, inArray, notInArray, sql } from 'drizzle-orm';
import {
  PLAN_TRANSITIONS,
  TERMINAL_PLAN_STATUSES,
  type PlanInput,
  type PlanMode,
  type PlanStatus,
  type PlanTransition,
} from '@mge/core';
import type { Db } from '../client.js';
import {
  masterplanHistory,
  masterplans,
  masterplanTasks,
  type Masterplan,
  type MasterplanTask,
} from '../schema/index.js';

/**
 * Stores a plan and its tasks. `status` is the first stage of its mode (`atomizing` for v2,
 * `generating` for MVP) or `queued` for a plan stored to be started later.
 */
export async function insertPlanWithTasks(
  db: Db,
  values: {
    tenantId: string;
    input: PlanInput;
    defaultBudget?: { dollars?: number | undefined; tokens?: number | undefined };
    /** Chosen by the caller when the mode's rollout draw needs it before the row exists. */
    id?: string;
    mode?: PlanMode;
    status?: Extract<PlanStatus, 'queued' | 'atomizing' | 'generating'>;
    discoveryId?: string | undefined;
  },
): Promise<{ plan: Masterplan; tasks: MasterplanTask[] }> {
  const { input } = values;
  const status = values.status ?? 'atomizing';
  const [plan] = await db
    .insert(masterplans)
    .values({
      ...(values.id ? { id: values.id } : {}),
      tenantId: values.tenantId,
      discoveryId: values.discoveryId ?? null,
      name: input.name,
      language: input.language,
      mode: values.mode ?? 'v2',
      status,
      startedAt: status === 'queued' ? null : new Date(),
      input,
      scheduling: input.scheduling ?? 'eager',
      budgetDollars: input.budget?.dollars ?? values.defaultBudget?.dollars ?? null,
      budgetTokens: input.budget?.tokens ?? values.defaultBudget?.tokens ?? null,
      tasksRemaining: input.tasks.length,
    })
    .returning();
  const tasks = await db
    .insert(masterplanTasks)
    .values(
      input.tasks.map((task, ordinal) => ({
        masterplanId: plan!.id,
        key: task.id,
        ordinal,
        title: task.title,
        description: task.description,
        file: task.file,
        code: task.code,
        dependsOn: task.dependsOn,
      })),
    )
    .returning();
  await appendHistory(db, plan!.id, 'submitted', { tasks: tasks.length, mode: plan!.mode });
  return { plan: plan!, tasks };
}

/**
 * queued -> the first stage of `mode`, once; returns the plan when this call started it. A plan
 * with drafts to make starts in `drafting`, and `tasksRemaining` counts them (the drafting
 * barrier), in one transaction: in V2 its tasks without code (a planned MasterPlan), which become
 * `undrafted`, and in either mode its planned tests without code (the test designer's; MVP writes
 * each task's whole file, so its tasks are not drafted).
 */
export function startQueuedPlan(
  db: Db,
  id: string,
  mode: PlanMode,
  /** Planned test files without code the test designer drafts in the drafting phase. */
  testDesigns = 0,
): Promise<Masterplan | undefined> {
  return db.transaction(async (tx) => {
    const undrafted =
      mode === 'v2'
        ? await tx
            .update(masterplanTasks)
            .set({ status: 'undrafted' })
            .where(
              and(
                eq(masterplanTasks.masterplanId, id),
                eq(masterplanTasks.code, ''),
                eq(masterplanTasks.status, 'pending'),
                // Only while the plan is still queued: a late duplicate changes nothing.
                inArray(
                  masterplanTasks.masterplanId,
                  tx
                    .select({ id: masterplans.id })
                    .from(masterplans)
                    .where(and(eq(masterplans.id, id), eq(masterplans.status, 'queued'))),
                ),
              ),
            )
            .returning({ id: masterplanTasks.id })
        : [];
    const drafts = undrafted.length + testDesigns;
    const event = drafts > 0 ? 'startDrafting' : mode === 'mvp' ? 'startMvp' : 'start';
    const { from, to } = PLAN_TRANSITIONS[event];
    const [plan] = await tx
      .update(masterplans)
      .set({
        mode,
        status: to,
        startedAt: new Date(),
        ...(drafts > 0 ? { tasksRemaining: drafts } : {}),
      })
      .where(and(eq(masterplans.id, id), inArray(masterplans.status, [...from])))
      .returning();
    if (plan) await appendHistory(tx, id, `status:${plan.status}`, { mode });
    return plan;
  });
}

export async function findPlan(
  db: Db,
  id: string,
  tenantId?: string,
): Promise<Masterplan | undefined> {
  const [plan] = await db
    .select()
    .from(masterplans)
    .where(
      tenantId
        ? and(eq(masterplans.id, id), eq(masterplans.tenantId, tenantId))
        : eq(masterplans.id, id),
    );
  return plan;
}

/** Plan tenants read so far, by plan id (a plan never changes tenant); null: no tenant. */
const planTenants = new Map<string, string | null>();
const PLAN_TENANTS_KEPT = 4096;

/**
 * The tenant a plan belongs to (null for a plan without one, undefined for no such plan), read
 * once per plan and process: fair scheduling asks it for every batch of jobs it holds.
 */
export async function planTenant(db: Db, id: string): Promise<string | null | undefined> {
  if (planTenants.has(id)) return planTenants.get(id);
  const [row] = await db
    .select({ tenantId: masterplans.tenantId })
    .from(masterplans)
    .where(eq(masterplans.id, id));
  if (!row) return undefined;
  if (planTenants.size >= PLAN_TENANTS_KEPT) planTenants.delete(planTenants.keys().next().value!);
  planTenants.set(id, row.tenantId);
  return row.tenantId;
}

/**
 * Plan inputs read so far, by plan id: a plan's input never changes once it has left drafting
 * (the test designer adds its tests to it while the plan is queued, drafting or paused there),
 * but for a reviewer's edit of a test (`replaceTestCode`): the readers of the kept input (the
 * generation prompts) do not read its tests.
 */
const planInputs = new Map<string, PlanInput>();
const PLAN_INPUTS_KEPT = 256;
const INPUT_MAY_CHANGE: readonly PlanStatus[] = ['queued', 'drafting', 'paused'];

/**
 * `findPlan` for the per-job hot path (a generation attempt reads its plan's status, budget and
 * spending): the plan's `input` (the submitted document with every task's code) is read and parsed
 * once per plan and process, then kept, since it no longer changes (not kept while the plan is
 * queued, drafting or paused); later reads leave it out.
 */
export async function findPlanKeepingInput(db: Db, id: string): Promise<Masterplan | undefined> {
  const read = planReadKeepingInput(id);
  const [plan] = await db.select(read.columns).from(masterplans).where(eq(masterplans.id, id));
  return plan && read.complete(plan);
}

/**
 * How a hot-path statement reads a plan row (`findPlanKeepingInput`, or a statement reading the
 * plan with something else): `columns` to select (`input` as null when this process keeps it),
 * and `complete` to make the row read whole (the kept input put back, or a new one kept).
 */
export function planReadKeepingInput(id: string) {
  const kept = planInputs.get(id);
  const columns = {
    ...getTableColumns(masterplans),
    ...(kept ? { input: sql<PlanInput | null>`null` } : {}),
  };
  return {
    columns,
    /** Whether `columns` leave `input` out (the statement's shape). */
    kept: kept !== undefined,
    complete(plan: Omit<Masterplan, 'input'> & { input: PlanInput | null }): Masterplan {
      if (kept) return { ...plan, input: kept };
      const whole = plan as Masterplan;
      if (!INPUT_MAY_CHANGE.includes(whole.status)) {
        if (planInputs.size >= PLAN_INPUTS_KEPT) planInputs.delete(planInputs.keys().next().value!);
        planInputs.set(id, whole.input);
      }
      return whole;
    },
  };
}

export function isTerminal(status: PlanStatus): boolean {
  return TERMINAL_PLAN_STATUSES.includes(status);
}

/**
 * Applies one event of the plan state machine (`PLAN_TRANSITIONS` in @mge/core) if the plan is in
 * a status the event may happen in: the conditional update that makes a re-run of the same stage
 * a no-op. Returns whether this call made the move.
 */
export async function transitionPlan(
  db: Db,
  id: string,
  event: PlanTransition,
  extra: Partial<
    Pick<Masterplan, 'error' | 'outputDir' | 'atomsRemaining' | 'tasksRemaining'>
  > = {},
): Promise<boolean> {
  const { from, to } = PLAN_TRANSITIONS[event];
  const rows = await db
    .update(masterplans)
    .set({ status: to, ...extra, ...(isTerminal(to) ? { completedAt: new Date() } : {}) })
    .where(and(eq(masterplans.id, id), inArray(masterplans.status, [...from])))
    .returning({ id: masterplans.id });
  if (rows.length > 0)
    await appendHistory(db, id, `status:${to}`, extra.error ? { error: extra.error } : null);
  return rows.length > 0;
}

/** Fails a plan that is not already finished, keeping the first reason. */
export function failPlan(db: Db, id: string, reason: string): Promise<boolean> {
  return transitionPlan(db, id, 'fail', { error: reason });
}

/** Barrier counter: the caller that brings it to zero starts the next stage. */
export async function decrementTasksRemaining(db: Db, planId: string): Promise<number> {
  const [row] = await db
    .update(masterplans)
    .set({ tasksRemaining: sql`${masterplans.tasksRemaining} - 1` })
    .where(eq(masterplans.id, planId))
    .returning({ remaining: masterplans.tasksRemaining });
  return row?.remaining ?? 0;
}

export async function decrementAtomsRemaining(db: Db, planId: string, by: number): Promise<number> {
  const [row] = await db
    .update(masterplans)
    .set({ atomsRemaining: sql`${masterplans.atomsRemaining} - ${by}` })
    .where(eq(masterplans.id, planId))
    .returning({ remaining: masterplans.atomsRemaining });
  return row?.remaining ?? 0;
}

export async function appendHistory(
  db: Db,
  planId: string,
  event: string,
  data: unknown,
): Promise<void> {
  await db.insert(masterplanHistory).values({ masterplanId: planId, event, data });
}

export function listActivePlans(db: Db): Promise<Masterplan[]> {
  return db
    .select()
    .from(masterplans)
    .where(notInArray(masterplans.status, [...TERMINAL_PLAN_STATUSES]));
}

export async function listTasks(db: Db, planId: string): Promise<MasterplanTask[]> {
  return db
    .select()
    .from(masterplanTasks)
    .where(eq(masterplanTasks.masterplanId, planId))
    .orderBy(masterplanTasks.ordinal);
}

export async function findTask(db: Db, id: string): Promise<MasterplanTask | undefined> {
  const [task] = await db.select().from(masterplanTasks).where(eq(masterplanTasks.id, id));
  return task;
}

/** pending -> atomized | failed, once. */
export async function settleTask(
  db: Db,
  id: string,
  status: 'atomized' | 'failed',
  error?: string,
): Promise<boolean> {
  const rows = await db
    .update(masterplanTasks)
    .set({ status, error: error ?? null })
    .where(and(eq(masterplanTasks.id, id), eq(masterplanTasks.status, 'pending')))
    .returning({ id: masterplanTasks.id });
  return rows.length > 0;
}

export async function countTasksByStatus(db: Db, planId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: masterplanTasks.status, n: count() })
    .from(masterplanTasks)
    .where(eq(masterplanTasks.masterplanId, planId))
    .groupBy(masterplanTasks.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export async function setPlanBudget(
  db: Db,
  planId: string,
  budget: { dollars?: number | undefined; tokens?: number | undefined },
): Promise<void> {
  await db
    .update(masterplans)
    .set({
      ...(budget.dollars !== undefined ? { budgetDollars: budget.dollars } : {}),
      ...(budget.tokens !== undefined ? { budgetTokens: budget.tokens } : {}),
    })
    .where(eq(masterplans.id, planId));
}

/**
 * Locks the plan's row for the transaction: serialises settlements of one plan (test designs and
 * drafts, the last open review of a plan).
 */
export async function lockPlan(tx: Db, planId: string): Promise<void> {
  await tx.execute(sql`select id from masterplans where id = ${planId} for update`);
}
