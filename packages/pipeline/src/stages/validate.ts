import {
  findPlan,
  listAtoms,
  listExcusedTests,
  listTasks,
  recordValidation,
  transitionPlan,
  type AtomicUnit,
  type Masterplan,
} from '@mge/db';
import type { JobContext, Payload } from '@mge/queue';
import {
  assembleFile,
  validateHierarchy,
  type HierarchyResult,
  type PlanSources,
} from '@mge/validation';
import type { Effects } from '../runtime/effects.js';
import type { Resources } from '../runtime/resources.js';
import { reportValidation, writeWorkspace } from '../runtime/output-workspace.js';
import { scoreAndReview, type ScoredAtom } from './low-confidence.js';
import { planSources, sandboxOptions } from './plan-sources.js';
import { completedEffects } from './index-plan.js';
import { repairOrEscalate } from './repair.js';
import { validateTaskPlan } from './validate-tasks.js';

/**
 * validate(plan, round): assemble each file from its atoms and run L2 (each file), L3 (the files
 * together) and L4 (the plan's tests in the sandbox), stopping at the first failing level. Pass:
 * score confidence, send the lowest atoms to review, write the output workspace and complete.
 * Fail: targeted repair of the atoms the diagnostics point at, or review, or fail (repair.ts).
 */
export async function validatePlan(
  r: Resources,
  { planId, round }: Payload<'validate'>,
  { logger }: JobContext,
): Promise<Effects | undefined> {
  const plan = await findPlan(r.db, planId);
  if (plan?.status !== 'validating' || plan.validationRound !== round) {
    logger.info(
      { planStatus: plan?.status, round, current: plan?.validationRound },
      'nothing to do: not this round',
    );
    return undefined;
  }
  if (plan.mode === 'mvp') return validateTaskPlan(r, plan, logger);
  const [tasks, atoms, excused] = await Promise.all([
    listTasks(r.db, planId),
    listAtoms(r.db, planId),
    listExcusedTests(r.db, planId),
  ]);
  const sources = planSources(plan, tasks, atoms, excused);
  const outcome = await validateHierarchy(sources, { sandbox: sandboxOptions(r.config) });
  await recordValidation(
    r.db,
    outcome.results.map((v) => ({ masterplanId: planId, ...v })),
  );

  if (!outcome.passed) {
    // Written before the decision so a failed or reviewed plan has its files and report to inspect.
    const outputDir = await writeOutput(r, plan, sources, atoms, outcome, [], excused);
    const repair = await repairOrEscalate(r, plan, atoms, outcome, { logger, outputDir });
    logger.info(
      { round, failedLevel: outcome.failedLevel, result: repair.result },
      'plan failed validation',
    );
    return repair.effects;
  }
  const review = await scoreAndReview(r.db, r.config, plan, atoms, sources, outcome);
  const outputDir = await writeOutput(r, plan, sources, atoms, outcome, review, excused);
  const completed = await transitionPlan(r.db, planId, 'validated', { outputDir });
  logger.info(
    { round, files: sources.files.length, review: review.length, outputDir },
    'plan validated',
  );
  return completed ? completedEffects(r, planId) : undefined;
}

/** The assembled files, the plan's tests and `mge-report.json` under the output directory. */
async function writeOutput(
  r: Resources,
  plan: Masterplan,
  sources: PlanSources,
  atoms: readonly AtomicUnit[],
  outcome: HierarchyResult,
  review: readonly ScoredAtom[],
  excused: ReadonlySet<string>,
): Promise<string> {
  const report = {
    plan: {
      id: plan.id,
      name: plan.name,
      language: plan.language,
      validationRound: plan.validationRound,
    },
    llmProvider: r.llm.name,
    validation: reportValidation(outcome),
    review: review.map((a) => ({ atomId: a.atomId, confidence: a.confidence, reason: a.reason })),
    // Tests a reviewer approved as failing: not run at L4, not written.
    excusedTests: [...excused],
    atoms: atoms.map((a) => ({
      id: a.id,
      file: a.file,
      name: a.name,
      kind: a.kind,
      attempts: a.attempt,
      startLine: a.startLine,
      endLine: a.endLine,
    })),
  };
  return writeWorkspace(r.config.outputDir, plan.id, [
    ...sources.files.map((f) => ({ path: f.path, content: assembleFile(f.atoms) })),
    ...sources.tests.map((t) => ({ path: t.path, content: t.code })),
    { path: 'mge-report.json', content: JSON.stringify(report, null, 2) + '\n' },
  ]);
}
