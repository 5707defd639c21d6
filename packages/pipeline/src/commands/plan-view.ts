import {
  countAtomsByStatus,
  countTasksByStatus,
  hasStoredGraph,
  findPlan,
  listAtoms,
  listTasks,
  listValidation,
  type Db,
} from '@mge/db';
import { VALIDATION_LEVELS, type PlanMode, type PlanStatus } from '@mge/core';

export interface StageProgress {
  done: number;
  failed: number;
  total: number;
}

export interface PlanView {
  id: string;
  name: string;
  language: string;
  /** `mvp`: tasks are generated whole, so `atomize` and `graph` stay empty and `generate` counts tasks. */
  mode: PlanMode;
  status: PlanStatus;
  error: string | null;
  outputDir: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  progress: {
    atomize: StageProgress;
    graph: StageProgress;
    generate: StageProgress & { running: number };
    validate: StageProgress;
  };
}

/** Status and per-stage progress counts of a plan, or undefined when the tenant has no such plan. */
export async function getPlanView(
  db: Db,
  planId: string,
  tenantId?: string,
): Promise<PlanView | undefined> {
  const plan = await findPlan(db, planId, tenantId);
  if (!plan) return undefined;
  const [tasks, atoms, graphed] = await Promise.all([
    countTasksByStatus(db, planId),
    countAtomsByStatus(db, planId),
    plan.mode === 'mvp' ? false : hasStoredGraph(db, planId),
  ]);
  const taskTotal = Object.values(tasks).reduce((a, b) => a + b, 0);
  const atomTotal = Object.values(atoms).reduce((a, b) => a + b, 0);
  const mvp = plan.mode === 'mvp';
  const none = { done: 0, failed: 0, total: 0 };
  return {
    id: plan.id,
    name: plan.name,
    language: plan.language,
    mode: plan.mode,
    status: plan.status,
    error: plan.error,
    outputDir: plan.outputDir,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
    completedAt: plan.completedAt?.toISOString() ?? null,
    progress: {
      atomize: mvp
        ? none
        : { done: tasks.atomized ?? 0, failed: tasks.failed ?? 0, total: taskTotal },
      // Stored once the graph stage ran, whatever the status now (a plan can fail, pause or be
      // cancelled after it): what `GET /api/v2/dependency-graph/{id}` answers for.
      graph: mvp ? none : { done: graphed ? 1 : 0, failed: 0, total: 1 },
      generate: mvp
        ? {
            done: tasks.generated ?? 0,
            failed: tasks.failed ?? 0,
            running: tasks.running ?? 0,
            total: taskTotal,
          }
        : {
            done: atoms.validated ?? 0,
            failed: (atoms.failed ?? 0) + (atoms.blocked ?? 0),
            running: atoms.running ?? 0,
            total: atomTotal,
          },
      validate: {
        done: plan.status === 'completed' || (plan.status === 'failed' && plan.outputDir) ? 1 : 0,
        failed: plan.status === 'failed' && plan.outputDir ? 1 : 0,
        total: 1,
      },
    },
  };
}

/** The `mge run --json` result shape (ARCHITECTURE.md section 7). */
export async function getRunResult(db: Db, planId: string) {
  const plan = await findPlan(db, planId);
  if (!plan) return undefined;
  const [atoms, validation, tasks] = await Promise.all([
    listAtoms(db, planId),
    listValidation(db, planId),
    listTasks(db, planId),
  ]);
  // The latest run of each scope counts: an atom's retry or a repair round supersedes earlier runs.
  const latest = new Map<string, (typeof validation)[number]>();
  for (const v of validation) latest.set(`${v.level}\0${v.atomId ?? v.scope}`, v);
  const byLevel = new Map<string, boolean>();
  for (const level of VALIDATION_LEVELS)
    for (const v of latest.values())
      if (v.level === level) byLevel.set(level, (byLevel.get(level) ?? true) && v.passed);
  return {
    status: plan.status,
    mode: plan.mode,
    error: plan.error,
    // MVP plans have no atoms: their unit of generation is the task.
    tasks: tasks.map((t) => ({
      id: t.id,
      key: t.key,
      file: t.file,
      status: t.status,
      attempts: t.attempt,
      error: t.error,
    })),
    atoms: atoms.map((a) => ({
      id: a.id,
      file: a.file,
      name: a.name,
      status: a.status,
      attempts: a.attempt,
      failedLevel: a.failedLevel,
      diagnostics: a.diagnostics,
    })),
    validation: [...byLevel].map(([level, passed]) => ({ level, passed })),
    outputDir: plan.outputDir,
  };
}
