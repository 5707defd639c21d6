import { openReview, setAtomConfidence, type AtomicUnit, type Db, type Masterplan } from '@mge/db';
import {
  atomConfidence,
  contextCompleteness,
  exercisedByTests,
  pythonFacts,
  selectForReview,
  type HierarchyResult,
  type PlanSources,
} from '@mge/validation';
import type { Config } from '@mge/config';

export interface ScoredAtom {
  atomId: string;
  confidence: number;
  reason: string;
}

/**
 * Scores every atom of a validated plan (formula in @mge/validation `atomConfidence`), stores the
 * scores, and opens a review for the lowest ones under the threshold, at most `maxShare` of the
 * plan. Returns the atoms sent to review.
 */
export async function scoreAndReview(
  db: Db,
  config: Config,
  plan: Masterplan,
  atoms: readonly AtomicUnit[],
  sources: PlanSources,
  outcome: HierarchyResult,
): Promise<ScoredAtom[]> {
  const planDefines = new Set(atoms.flatMap((a) => a.defines));
  const globals = new Set(
    plan.language === 'python'
      ? (pythonFacts()?.builtins ?? [])
      : Object.getOwnPropertyNames(globalThis),
  );
  const testsRan = sources.tests.length > 0 && outcome.results.some((r) => r.level === 'system');
  const scored = atoms.map((atom) => {
    const exercised = exercisedByTests(
      { id: atom.id, code: atom.code ?? atom.draftCode, name: atom.name, defines: atom.defines },
      sources.tests,
    );
    const tests = !testsRan ? 'none' : exercised ? 'exercised' : 'passed';
    const completeness = contextCompleteness(atom.uses, planDefines, globals);
    const confidence = atomConfidence({
      attempts: atom.attempt,
      complexity: atom.complexity,
      contextCompleteness: completeness,
      validated: outcome.passed,
      tests,
    });
    return {
      atomId: atom.id,
      confidence,
      reason:
        `low confidence ${confidence.toFixed(2)} (threshold ${config.review.confidenceThreshold}): ` +
        `${atom.attempt} attempt(s), complexity ${atom.complexity}, ` +
        `context ${Math.round(completeness * 100)}% resolved, tests: ${tests}`,
    };
  });
  await setAtomConfidence(db, scored);
  const review = selectForReview(scored, config.review.confidenceThreshold, config.review.maxShare);
  for (const atom of review) await openReview(db, plan.id, atom.atomId, atom.reason);
  return review;
}
