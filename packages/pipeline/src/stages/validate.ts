import {
  findPlan,
  listAtoms,
  listTasks,
  recordValidation,
  transitionPlan,
  type AtomicUnit,
  type NewValidationResult,
} from '@mge/db';
import type { JobContext, Payload } from '@mge/queue';
import { assembleFile, validateModule } from '@mge/validation';
import type { Resources } from '../resources.js';
import { writeWorkspace } from '../output-workspace.js';

/**
 * validate(plan): assemble each file from its atoms, validate it (L2: it parses), write the
 * output workspace with a report, and complete or fail the plan.
 */
export async function validatePlan(
  r: Resources,
  { planId }: Payload<'validate'>,
  { logger }: JobContext,
): Promise<void> {
  const plan = await findPlan(r.db, planId);
  if (plan?.status !== 'validating') {
    logger.info({ planStatus: plan?.status }, 'nothing to do: plan is not validating');
    return;
  }
  const [tasks, atoms] = await Promise.all([listTasks(r.db, planId), listAtoms(r.db, planId)]);
  const byTask = new Map<string, AtomicUnit[]>();
  for (const atom of atoms) byTask.set(atom.taskId, [...(byTask.get(atom.taskId) ?? []), atom]);

  const results: NewValidationResult[] = [];
  const files = tasks.map((task) => {
    const started = performance.now();
    const fileAtoms = (byTask.get(task.id) ?? []).map((a) => ({
      id: a.id,
      startLine: a.startLine,
      endLine: a.endLine,
      code: a.code ?? a.draftCode,
    }));
    const diagnostics = validateModule(task.file, fileAtoms);
    results.push({
      masterplanId: planId,
      level: 'module',
      scope: task.file,
      passed: diagnostics.length === 0,
      diagnostics,
      durationMs: Math.round(performance.now() - started),
    });
    return { path: task.file, content: assembleFile(fileAtoms) };
  });
  await recordValidation(r.db, results);

  const failed = results.filter((v) => !v.passed);
  const report = {
    plan: { id: planId, name: plan.name, language: plan.language },
    llmProvider: r.llm.name,
    validation: results.map((v) => ({
      level: v.level,
      scope: v.scope,
      passed: v.passed,
      diagnostics: v.diagnostics,
    })),
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
  const tests = plan.input.tests.map((t) => ({ path: t.file, content: t.code }));
  const outputDir = await writeWorkspace(r.config.outputDir, planId, [
    ...files,
    ...tests,
    { path: 'mge-report.json', content: JSON.stringify(report, null, 2) + '\n' },
  ]);

  const error =
    failed.length > 0
      ? `module validation failed for ${failed.map((f) => f.scope).join(', ')}`
      : undefined;
  await transitionPlan(r.db, planId, ['validating'], failed.length > 0 ? 'failed' : 'completed', {
    outputDir,
    ...(error ? { error } : {}),
  });
  logger.info({ files: files.length, failed: failed.length, outputDir }, 'plan validated');
}
