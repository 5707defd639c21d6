import { listConfidenceDecisions } from '@mge/db';
import {
  compareCalibration,
  FEATURE_NAMES,
  fitConfidenceModel,
  formulaWeights,
  MIN_DECISIONS,
  PRIOR_STRENGTH,
} from '@mge/validation';
import { defineRoute } from '../route.js';

/**
 * Confidence that learns: the caller's tenant's low-confidence review decisions, the model fitted
 * to them (the formula as its prior) and how well each scorer is calibrated on them.
 */
export const confidenceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/confidence',
    summary:
      "The tenant's confidence scorer: its review decisions, the learned model and the formula's and the model's calibration (Brier score, reliability bins)",
    tag: 'review',
    auth: 'admin',
    success: {
      status: 200,
      description:
        '`{ decisions, approved, minDecisions, scorer, features, prior, learned, calibration: { formula, learned } }`',
    },
    handler: async ({ caller, deps }) => {
      const decisions = await listConfidenceDecisions(deps.db, caller.tenantId);
      const scorer = decisions.length >= MIN_DECISIONS ? 'learned' : 'formula';
      return {
        decisions: decisions.length,
        approved: decisions.filter((d) => d.right).length,
        minDecisions: MIN_DECISIONS,
        priorStrength: PRIOR_STRENGTH,
        scorer,
        features: FEATURE_NAMES,
        prior: formulaWeights(),
        learned: decisions.length > 0 ? fitConfidenceModel(decisions) : null,
        // The learned model is judged out of fold; the formula as it scores.
        calibration: compareCalibration(decisions),
      };
    },
  }),
];
