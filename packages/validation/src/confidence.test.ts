import { atomConfidence, selectForReview } from './confidence.js';

describe('atomConfidence', () => {
  const base = {
    attempts: 1,
    complexity: 2,
    contextCompleteness: 1,
    validated: true,
    tests: 'exercised' as const,
  };

  it('is 1 for a simple first-attempt atom exercised by passing tests', () => {
    expect(atomConfidence(base)).toBe(1);
  });

  it('is 0 for an atom that did not validate', () => {
    expect(atomConfidence({ ...base, validated: false })).toBe(0);
  });

  it('falls with attempts, complexity, unresolved context and missing tests', () => {
    expect(atomConfidence({ ...base, attempts: 3 })).toBe(0.7);
    expect(atomConfidence({ ...base, complexity: 20 })).toBe(0.75);
    expect(atomConfidence({ ...base, contextCompleteness: 0 })).toBe(0.8);
    expect(atomConfidence({ ...base, attempts: 3, tests: 'none' })).toBe(0.56);
  });
});

describe('selectForReview', () => {
  it('takes the lowest atoms under the threshold, at most the configured share of the plan', () => {
    const atoms = [0.9, 0.3, 0.5, 0.95, 0.55, 1, 1, 1, 1, 1].map((confidence, i) => ({
      id: i,
      confidence,
    }));
    expect(selectForReview(atoms, 0.6, 0.2).map((a) => a.id)).toEqual([1, 2]);
    expect(selectForReview(atoms, 0.6, 1).map((a) => a.id)).toEqual([1, 2, 4]);
    expect(selectForReview(atoms, 0.6, 0)).toEqual([]);
  });
});
