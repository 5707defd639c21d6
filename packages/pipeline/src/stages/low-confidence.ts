import {
  LOW_CONFIDENCE_REASON,
  listConfidenceDecisions,
  openReview,
  setAtomConfidence,
  type AtomicUnit,
  type Db,
  type Masterplan,
} from '@mge/db';
import {
  atomConfidence,
  contextCompleteness,
  exercisedByTests,
  fitConfidenceModel,
  MIN_DECISIONS,
  predict,
  pythonFacts,
  selectForReview,
  type ConfidenceFeatures,
  type HierarchyResult,
  type PlanSources,
} from '@mge/validation';
import type { Config } from '@mge/config';

export interface ScoredAtom {
  atomId: string;
  confidence: number;
  features: ConfidenceFeatures;
  reason: string;
}

/**
 * Scores every atom of a validated plan (formula in @mge/validation `atomConfidence`, or once the
 * tenant has `MIN_DECISIONS` low-confidence review decisions, the model fitted to them), stores
 * the scores with their inputs, and opens a review for the lowest ones under the threshold, at most `maxShare` of the
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
  // Confidence that learns: once the tenant's reviewers have decided enough low-confidence atoms,
  // a model fitted to those decisions (the formula as its prior) scores instead of the formula.
  const decisions = await listConfidenceDecisions(db, plan.tenantId);
  const learned = decisions.length >= MIN_DECISIONS ? fitConfidenceModel(decisions) : undefined;
  const scorer = learned ? `learned from ${decisions.length} review decisions` : 'formula';
  const scored = atoms.map((atom) => {
    const exercised = exercisedByTests(
      { id: atom.id, code: atom.code ?? atom.draftCode, name: atom.name, defines: atom.defines },
      sources.tests,
    );
    const tests = !testsRan ? 'none' : exercised ? 'exercised' : 'passed';
    const completeness = contextCompleteness(atom.uses, planDefines, globals);
    const features = {
      attempts: atom.attempt,
      complexity: atom.complexity,
      contextCompleteness: completeness,
      tests,
    } as const;
    const formula = atomConfidence({ ...features, validated: outcome.passed });
    const confidence =
      learned && outcome.passed ? Math.round(predict(learned, features) * 1000) / 1000 : formula;
    return {
      atomId: atom.id,
      confidence,
      features,
      reason:
        `${LOW_CONFIDENCE_REASON} ${confidence.toFixed(2)} (${scorer}; threshold ${config.review.confidenceThreshold}): ` +
        `${atom.attempt} attempt(s), complexity ${atom.complexity}, ` +
        `context ${Math.round(completeness * 100)}% resolved, tests: ${tests}`,
    };
  });
  await setAtomConfidence(db, scored);
  const review = selectForReview(scored, config.review.confidenceThreshold, config.review.maxShare);
  for (const atom of review) await openReview(db, plan.id, atom.atomId, atom.reason);
  return review;
}
