import { atomizeSource } from '@mge/atomizer';
import type { PlanInput } from '@mge/core';
import type { PlanSources } from './plan-files.js';

/**
 * A plan's drafted code as the validator sees it before generation: each task's file atomized,
 * atom ids `<task id>#<index>`. For benchmarks, corpora and dry runs on a plan document.
 */
export function draftPlanSources(plan: PlanInput): PlanSources {
  return {
    language: plan.language,
    files: plan.tasks.map((t) => ({
      path: t.file,
      draft: t.code,
      atoms: atomizeSource(t.code, t.file).atoms.map((a, i) => ({
        id: `${t.id}#${i}`,
        code: a.code,
        name: a.name,
        defines: a.defines,
      })),
    })),
    tests: plan.tests.map((t) => ({ path: t.file, code: t.code })),
  };
}
