import { and, count, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { TERMINAL_PLAN_STATUSES, type PlanInput, type PlanMode, type PlanStatus } from '@mge/core';
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

/** queued -> the first stage of `mode`, once; returns the plan when this call started it. */
export async function startQueuedPlan(
  db: Db,
  id: string,
  mode: PlanMode,
): Promise<Masterplan | undefined> {
  const [plan] = await db
    .update(masterplans)
    .set({ mode, status: mode === 'mvp' ? 'generating' : 'atomizing', startedAt: new Date() })
    .where(and(eq(masterplans.id, id), eq(masterplans.status, 'queued')))
    .returning();
  if (plan) await appendHistory(db, id, `status:${plan.status}`, { mode });
  return plan;
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

export function isTerminal(status: PlanStatus): boolean {
  return TERMINAL_PLAN_STATUSES.includes(status);
}

/**
 * Moves a plan between statuses only if it is in one of `from`: the conditional update that
 * makes a re-run of the same stage a no-op. Returns whether this call made the move.
 */
export async function transitionPlan(
  db: Db,
  id: string,
  from: readonly PlanStatus[],
  to: PlanStatus,
  extra: Partial<Pick<Masterplan, 'error' | 'outputDir' | 'atomsRemaining'>> = {},
): Promise<boolean> {
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
  return transitionPlan(db, id, ['atomizing', 'graphing', 'generating', 'validating'], 'failed', {
    error: reason,
  });
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
