import {
  listTasks,
  recordValidation,
  transitionPlan,
  type Masterplan,
  type MasterplanTask,
} from '@mge/db';
import { validateHierarchy, type HierarchyResult, type PlanSources } from '@mge/validation';
import type { Logger } from '@mge/telemetry';
import { reportValidation, writeWorkspace } from '../runtime/output-workspace.js';
import { effects, type Effects } from '../runtime/effects.js';
import { completedEffects } from './index-plan.js';
import { planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { sandboxOptions } from './plan-sources.js';

/**
 * MVP mode's validation of a plan whose tasks are all generated: the same L2 -> L3 -> L4 gate as
 * v2 (so "completed" means the same in both modes), each file being one unit. There is no
 * targeted repair: a failure fails the plan with the first diagnostic. The output workspace is
 * written either way.
 */
export async function validateTaskPlan(
  r: Resources,
  plan: Masterplan,
  logger: Logger,
): Promise<Effects | undefined> {
  const tasks = await listTasks(r.db, plan.id);
  const sources: PlanSources = {
    language: plan.language,
    files: tasks.map((t) => ({
      path: t.file,
      draft: t.code,
      atoms: [{ id: t.id, code: t.generatedCode ?? t.code }],
    })),
    tests: plan.input.tests.map((t) => ({ path: t.file, code: t.code })),
  };
  const outcome = await validateHierarchy(sources, { sandbox: sandboxOptions(r.config) });
  await recordValidation(
    r.db,
    // The diagnostics name tasks, not atoms: MVP plans have no atom rows to point at.
    outcome.results.map((v) => ({
      masterplanId: plan.id,
      ...v,
      diagnostics: v.diagnostics.map(({ atomId: _task, ...d }) => d),
    })),
  );
  const outputDir = await writeOutput(r, plan, sources, tasks, outcome);
  if (outcome.passed) {
    const completed = await transitionPlan(r.db, plan.id, 'validated', { outputDir });
    logger.info({ files: sources.files.length, outputDir }, 'MVP plan validated');
    return completed ? completedEffects(r, plan.id) : undefined;
  }
  const first = outcome.results.find((v) => !v.passed)?.diagnostics[0];
  const where = first?.file ? `${first.file}${first.line ? `:${first.line}` : ''}: ` : '';
  const reason = `${outcome.failedLevel} validation failed: ${where}${first?.message ?? 'no diagnostic'}`;
  const failed = await transitionPlan(r.db, plan.id, 'invalid', { error: reason, outputDir });
  logger.info({ failedLevel: outcome.failedLevel, outputDir }, 'MVP plan failed validation');
  return failed ? effects(plan.id, { events: [planEvent('failed', reason)] }) : undefined;
}

async function writeOutput(
  r: Resources,
  plan: Masterplan,
  sources: PlanSources,
  tasks: readonly MasterplanTask[],
  outcome: HierarchyResult,
): Promise<string> {
  const report = {
    plan: { id: plan.id, name: plan.name, language: plan.language, mode: plan.mode },
    llmProvider: r.llm.name,
    validation: reportValidation(outcome),
    tasks: tasks.map((t) => ({ id: t.id, key: t.key, file: t.file, attempts: t.attempt })),
  };
  return writeWorkspace(r.config.outputDir, plan.id, [
    ...sources.files.map((f) => ({ path: f.path, content: f.atoms[0]?.code ?? '' })),
    ...sources.tests.map((t) => ({ path: t.path, content: t.code })),
    { path: 'mge-report.json', content: JSON.stringify(report, null, 2) + '\n' },
  ]);
}
