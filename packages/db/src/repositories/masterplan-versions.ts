import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { PlanInput } from '@mge/core';
import type { Db } from '../client.js';
import {
  masterplanHistory,
  masterplanMilestones,
  masterplanPhases,
  masterplans,
  masterplanSubtasks,
  masterplanTasks,
  masterplanVersions,
  type Masterplan,
} from '../schema/index.js';

/**
 * The parts of a MasterPlan (@mge/planner's schema) the relational tables hold; the whole
 * document is each version's snapshot. Structural so this package need not know the planner.
 */
export interface MasterPlanRows {
  phases: readonly { id: string; kind: string; goal: string }[];
  milestones: readonly { id: string; phaseId: string; name: string; goal: string }[];
  tasks: readonly {
    id: string;
    milestoneId: string;
    subtasks: readonly { id: string; title: string }[];
  }[];
}

/** Who changed a plan and how: one `masterplan_history` event per version. */
export interface PlanChange {
  actor: string;
  kind: string;
  diff: unknown;
}

/**
 * A plan the planner is writing (`planning`): it holds the spending of its generation calls
 * (so planning counts toward the plan's budget) until its first version is stored.
 */
export async function insertPlanningPlan(
  db: Db,
  values: {
    tenantId: string;
    discoveryId: string;
    name: string;
    language: PlanInput['language'];
    /** The plan's caps (planning counts toward them); else the server's defaults. */
    budget?: PlanInput['budget'];
    defaultBudget?: { dollars?: number | undefined; tokens?: number | undefined };
    /** Start the plan as soon as it is planned and validates (recorded with the request). */
    approve?: boolean | undefined;
  },
): Promise<Masterplan> {
  const input: PlanInput = {
    name: values.name,
    language: values.language,
    tasks: [],
    tests: [],
  };
  const [plan] = await db
    .insert(masterplans)
    .values({
      tenantId: values.tenantId,
      discoveryId: values.discoveryId,
      name: values.name,
      language: values.language,
      mode: 'mvp',
      status: 'planning',
      input,
      budgetDollars: values.budget?.dollars ?? values.defaultBudget?.dollars ?? null,
      budgetTokens: values.budget?.tokens ?? values.defaultBudget?.tokens ?? null,
      tasksRemaining: 0,
    })
    .returning();
  const request: PlanningRequest = {
    discoveryId: values.discoveryId,
    approve: values.approve === true,
  };
  await db
    .insert(masterplanHistory)
    .values({ masterplanId: plan!.id, event: 'planning', data: request });
  return plan!;
}

/** What was asked when planning started (the plan's first history event). */
export interface PlanningRequest {
  discoveryId: string;
  approve: boolean;
}

export async function findPlanningRequest(
  db: Db,
  planId: string,
): Promise<PlanningRequest | undefined> {
  const [row] = await db
    .select({ data: masterplanHistory.data })
    .from(masterplanHistory)
    .where(and(eq(masterplanHistory.masterplanId, planId), eq(masterplanHistory.event, 'planning')))
    .limit(1);
  return row?.data as PlanningRequest | undefined;
}

/**
 * Stores a new version of a plan that has not started (`planning` or `queued`): the snapshot, the
 * history event, the plan's input (what execution runs) and its phases, milestones, tasks and
 * subtasks rewritten. Runs in one transaction; returns the version number, or undefined when the
 * plan has started meanwhile (its tasks are then the engine's and must not change).
 */
export async function storePlanVersion(
  db: Db,
  planId: string,
  document: MasterPlanRows,
  input: PlanInput,
  change: PlanChange,
): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    const [plan] = await tx
      .select({ status: masterplans.status })
      .from(masterplans)
      .where(eq(masterplans.id, planId))
      .for('update');
    if (!plan || (plan.status !== 'planning' && plan.status !== 'queued')) return undefined;
    await tx.delete(masterplanTasks).where(eq(masterplanTasks.masterplanId, planId));
    await tx.delete(masterplanPhases).where(eq(masterplanPhases.masterplanId, planId));
    const phaseRows = document.phases.length
      ? await tx
          .insert(masterplanPhases)
          .values(
            document.phases.map((p, ordinal) => ({
              masterplanId: planId,
              ordinal,
              name: `${p.id}: ${p.kind}`,
              description: p.goal,
            })),
          )
          .returning()
      : [];
    const phaseIds = new Map(document.phases.map((p, i) => [p.id, phaseRows[i]!.id]));
    const milestoneIds = new Map<string, string>();
    for (const [ordinal, m] of document.milestones.entries()) {
      const phaseId = phaseIds.get(m.phaseId);
      if (!phaseId) continue;
      const [row] = await tx
        .insert(masterplanMilestones)
        .values({ phaseId, ordinal, name: `${m.id}: ${m.name}`, description: m.goal })
        .returning({ id: masterplanMilestones.id });
      milestoneIds.set(m.id, row!.id);
    }
    const tasks = input.tasks.length
      ? await tx
          .insert(masterplanTasks)
          .values(
            input.tasks.map((task, ordinal) => ({
              masterplanId: planId,
              milestoneId: milestoneIds.get(document.tasks[ordinal]?.milestoneId ?? '') ?? null,
              key: task.id,
              ordinal,
              title: task.title,
              description: task.description,
              file: task.file,
              code: task.code,
              dependsOn: task.dependsOn,
            })),
          )
          .returning({ id: masterplanTasks.id })
      : [];
    const subtasks = document.tasks.flatMap((t, i) =>
      t.subtasks.map((s, ordinal) => ({
        taskId: tasks[i]!.id,
        ordinal,
        title: s.title,
        description: s.id,
      })),
    );
    if (subtasks.length > 0) await tx.insert(masterplanSubtasks).values(subtasks);
    await tx
      .update(masterplans)
      .set({
        input,
        name: input.name,
        language: input.language,
        tasksRemaining: input.tasks.length,
      })
      .where(eq(masterplans.id, planId));
    const [last] = await tx
      .select({ version: sql<number>`coalesce(max(${masterplanVersions.version}), 0)::int` })
      .from(masterplanVersions)
      .where(eq(masterplanVersions.masterplanId, planId));
    const version = (last?.version ?? 0) + 1;
    await tx
      .insert(masterplanVersions)
      .values({ masterplanId: planId, version, snapshot: document });
    await tx.insert(masterplanHistory).values({
      masterplanId: planId,
      event: change.kind,
      data: { actor: change.actor, version, diff: change.diff },
    });
    return version;
  });
}

export type MasterplanVersion = typeof masterplanVersions.$inferSelect;

/** A plan's versions, oldest first, without their snapshots. */
export function listPlanVersions(db: Db, planId: string) {
  return db
    .select({
      version: masterplanVersions.version,
      createdAt: masterplanVersions.createdAt,
    })
    .from(masterplanVersions)
    .where(eq(masterplanVersions.masterplanId, planId))
    .orderBy(asc(masterplanVersions.version));
}

/** One version (the latest when `version` is undefined). */
export async function findPlanVersion(
  db: Db,
  planId: string,
  version?: number,
): Promise<MasterplanVersion | undefined> {
  const [row] = await db
    .select()
    .from(masterplanVersions)
    .where(
      version === undefined
        ? eq(masterplanVersions.masterplanId, planId)
        : and(eq(masterplanVersions.masterplanId, planId), eq(masterplanVersions.version, version)),
    )
    .orderBy(desc(masterplanVersions.version))
    .limit(1);
  return row;
}

/** A plan's history events (stage transitions, versions with actor, kind and diff), oldest first. */
export function listPlanHistory(db: Db, planId: string) {
  return db
    .select()
    .from(masterplanHistory)
    .where(eq(masterplanHistory.masterplanId, planId))
    .orderBy(asc(masterplanHistory.createdAt));
}
