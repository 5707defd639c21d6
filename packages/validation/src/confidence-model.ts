import { atomConfidence, type ConfidenceInput } from './confidence.js';

/** What the learned score reads: the formula's own inputs for a validated atom. */
export type ConfidenceFeatures = Required<Omit<ConfidenceInput, 'validated'>>;

/** A reviewer's verdict on a low-confidence atom: approved as it was (`right`) or not. */
export interface ReviewDecision {
  features: ConfidenceFeatures;
  right: boolean;
}

/** Weights of the logistic model, in the order of {@link FEATURE_NAMES}. */
export type Weights = number[];

export const FEATURE_NAMES = [
  'bias',
  'extra attempts',
  'complexity over 4 (per 10)',
  'unresolved context',
  'tests passed, none names it',
  'no tests',
] as const;

/** The model's inputs: the formula's penalties as plain numbers. */
export function featureVector(f: ConfidenceFeatures): number[] {
  return [
    1,
    Math.max(0, f.attempts - 1),
    Math.max(0, f.complexity - 4) / 10,
    1 - Math.min(1, Math.max(0, f.contextCompleteness)),
    f.tests === 'passed' ? 1 : 0,
    f.tests === 'none' ? 1 : 0,
  ];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predict(weights: Weights, f: ConfidenceFeatures): number {
  const x = featureVector(f);
  return sigmoid(x.reduce((sum, xi, i) => sum + xi * weights[i]!, 0));
}

/** Solves `a · x = b` (small, symmetric positive definite) by Gaussian elimination. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Maximum a posteriori logistic regression: cross-entropy over `(x, y)` (y may be soft, in [0, 1])
 * plus `(strength / 2) · |w − prior|²`, by Newton's method (the loss is convex).
 */
function fitLogistic(
  rows: readonly { x: number[]; y: number }[],
  prior: Weights,
  strength: number,
): Weights {
  let w = [...prior];
  for (let iter = 0; iter < 50; iter++) {
    const n = w.length;
    const grad = w.map((wi, i) => strength * (wi - prior[i]!));
    const hess = w.map((_, i) => w.map((__, j) => (i === j ? strength : 0)));
    for (const { x, y } of rows) {
      const p = sigmoid(x.reduce((s, xi, i) => s + xi * w[i]!, 0));
      for (let i = 0; i < n; i++) {
        grad[i]! += (p - y) * x[i]!;
        for (let j = 0; j < n; j++) hess[i]![j]! += p * (1 - p) * x[i]! * x[j]!;
      }
    }
    const step = solve(hess, grad);
    w = w.map((wi, i) => wi - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return w;
}

let formulaPrior: Weights | undefined;

/**
 * The formula as a logistic model: fitted to the formula's own scores (soft labels) over a grid
 * of inputs. It is the prior the tenant's decisions move the learned model away from.
 */
export function formulaWeights(): Weights {
  if (formulaPrior) return formulaPrior;
  const rows: { x: number[]; y: number }[] = [];
  for (const attempts of [1, 2, 3, 4])
    for (const complexity of [1, 4, 6, 9, 14, 20])
      for (const contextCompleteness of [0.5, 0.75, 1])
        for (const tests of ['exercised', 'passed', 'none'] as const) {
          const features = { attempts, complexity, contextCompleteness, tests };
          rows.push({
            x: featureVector(features),
            y: atomConfidence({ ...features, validated: true }),
          });
        }
  formulaPrior = fitLogistic(rows, [0, 0, 0, 0, 0, 0], 1e-6);
  return formulaPrior;
}

/** How firmly the formula holds against a tenant's decisions: this many decisions' worth. */
export const PRIOR_STRENGTH = 5;
/** Decisions a tenant needs before its learned model replaces the formula. */
export const MIN_DECISIONS = 20;

/** The formula prior moved by a tenant's review decisions (MAP logistic regression). */
export function fitConfidenceModel(
  decisions: readonly ReviewDecision[],
  strength = PRIOR_STRENGTH,
): Weights {
  return fitLogistic(
    decisions.map((d) => ({ x: featureVector(d.features), y: d.right ? 1 : 0 })),
    formulaWeights(),
    strength,
  );
}

/** One bin of a reliability diagram: what was predicted on average and how often it was right. */
export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number | null;
  observed: number | null;
}

export interface Calibration {
  /** Mean squared error of the predicted probability (0 is perfect; 0.25 is a coin's). */
  brier: number | null;
  bins: ReliabilityBin[];
}

/** Brier score and a reliability diagram (`binCount` equal-width bins) of predictions. */
export function calibration(
  predictions: readonly { p: number; right: boolean }[],
  binCount = 5,
): Calibration {
  const bins: ReliabilityBin[] = Array.from({ length: binCount }, (_, i) => {
    const from = i / binCount;
    const to = (i + 1) / binCount;
    const inBin = predictions.filter(
      (q) => q.p >= from && (q.p < to || (i === binCount - 1 && q.p <= to)),
    );
    return {
      from,
      to,
      count: inBin.length,
      meanPredicted: inBin.length ? inBin.reduce((s, q) => s + q.p, 0) / inBin.length : null,
      observed: inBin.length ? inBin.filter((q) => q.right).length / inBin.length : null,
    };
  });
  const brier = predictions.length
    ? predictions.reduce((s, q) => s + (q.p - (q.right ? 1 : 0)) ** 2, 0) / predictions.length
    : null;
  return { brier, bins };
}

/**
 * The formula's and the learned model's calibration on a tenant's decisions. The learned model is
 * judged out of sample: each decision is predicted by a model fitted without its fold (`folds`-fold
 * cross-validation, folds by position), so its Brier score is not flattered by memorising.
 */
export function compareCalibration(decisions: readonly ReviewDecision[], folds = 5) {
  const formula = calibration(
    decisions.map((d) => ({
      p: atomConfidence({ ...d.features, validated: true }),
      right: d.right,
    })),
  );
  const models = Array.from({ length: folds }, (_, fold) =>
    fitConfidenceModel(decisions.filter((_, j) => j % folds !== fold)),
  );
  const outOfFold = decisions.map((d, i) => ({
    p: predict(models[i % folds]!, d.features),
    right: d.right,
  }));
  return { formula, learned: calibration(outOfFold) };
}
