import { atomConfidence } from './confidence';
import {
  calibration,
  compareCalibration,
  fitConfidenceModel,
  formulaWeights,
  predict,
  type ConfidenceFeatures,
  type ReviewDecision,
} from './confidence-model';

const atom = (over: Partial<ConfidenceFeatures> = {}): ConfidenceFeatures => ({
  attempts: 1,
  complexity: 3,
  contextCompleteness: 1,
  tests: 'exercised',
  ...over,
});

describe('the formula prior', () => {
  // A logistic curve cannot follow a product of penalties exactly: within 0.15 over the grid.
  it('scores close to the formula it stands for', () => {
    const w = formulaWeights();
    for (const f of [
      atom(),
      atom({ attempts: 3, tests: 'none' }),
      atom({ complexity: 14, attempts: 2 }),
      atom({ contextCompleteness: 0.5, tests: 'passed' }),
    ])
      expect(Math.abs(predict(w, f) - atomConfidence({ ...f, validated: true }))).toBeLessThan(
        0.15,
      );
  });

  it('is what the model answers with no decisions', () => {
    expect(fitConfidenceModel([])).toEqual(formulaWeights());
  });
});

describe('when a tenant’s reviewers reject what needed retries and approve the rest', () => {
  // Synthetic decisions (labelled so): complexity varies, attempts decide the verdict.
  const decisions: ReviewDecision[] = Array.from({ length: 60 }, (_, i) => {
    const attempts = 1 + (i % 3);
    return { features: atom({ attempts, complexity: 2 + (i % 7) }), right: attempts === 1 };
  });

  it('learns that an extra attempt costs more than the formula says', () => {
    const learned = fitConfidenceModel(decisions);
    const prior = formulaWeights();
    expect(learned[1]!).toBeLessThan(prior[1]!);
    expect(predict(learned, atom({ attempts: 2 }))).toBeLessThan(
      predict(prior, atom({ attempts: 2 })),
    );
    expect(predict(learned, atom())).toBeGreaterThan(0.7);
    expect(predict(learned, atom({ attempts: 3 }))).toBeLessThan(0.3);
  });

  it('is better calibrated out of sample than the formula on those decisions', () => {
    const { formula, learned } = compareCalibration(decisions);
    expect(learned.brier!).toBeLessThan(formula.brier!);
  });

  it('stays near the prior with only a few decisions', () => {
    const few = fitConfidenceModel(decisions.slice(0, 3));
    const prior = formulaWeights();
    expect(
      Math.abs(predict(few, atom({ attempts: 2 })) - predict(prior, atom({ attempts: 2 }))),
    ).toBeLessThan(
      Math.abs(
        predict(fitConfidenceModel(decisions), atom({ attempts: 2 })) -
          predict(prior, atom({ attempts: 2 })),
      ),
    );
  });
});

describe('calibration', () => {
  it('computes the Brier score and puts each prediction in its bin', () => {
    const result = calibration([
      { p: 0.9, right: true },
      { p: 0.9, right: false },
      { p: 0.1, right: false },
      { p: 1, right: true },
    ]);
    expect(result.brier).toBeCloseTo((0.01 + 0.81 + 0.01 + 0) / 4, 10);
    expect(result.bins.map((b) => b.count)).toEqual([1, 0, 0, 0, 3]);
    expect(result.bins[4]).toMatchObject({ observed: 2 / 3 });
    expect(result.bins[1]).toMatchObject({ meanPredicted: null, observed: null });
  });

  it('has no score without predictions', () => {
    expect(calibration([]).brier).toBeNull();
  });
});
