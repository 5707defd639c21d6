import type { SourceAtom, TestFile } from './plan-files.js';
import { namesDefinedBy } from './system/test-mapping.js';

/** What an atom's confidence is computed from. */
export interface ConfidenceInput {
  /** Generation attempts used (1 = accepted first time). */
  attempts: number;
  /** Cyclomatic complexity from atomization. */
  complexity: number;
  /** Share (0..1) of the names the atom uses that resolve in its context. @defaultValue 1 */
  contextCompleteness?: number;
  /** Every validation level the plan ran passed. */
  validated: boolean;
  /** 'exercised': a passing test names something the atom defines; 'passed': the plan's tests
   *  passed but none names it; 'none': the plan has no tests (or L4 did not run). */
  tests: 'exercised' | 'passed' | 'none';
}

/**
 * Confidence in [0, 1] that an atom is right, as a product of independent penalties:
 *
 *   confidence = validated × attempts × complexity × context × tests
 *   validated  = 1 when every level passed, else 0
 *   attempts   = 1 − 0.15 × (attempts − 1)             (1, 0.85, 0.70 for 1st, 2nd, 3rd attempt)
 *   complexity = 1 − min(0.25, 0.025 × max(0, cc − 4)) (cc ≤ 4 costs nothing; cc ≥ 14 costs 25%)
 *   context    = 0.8 + 0.2 × contextCompleteness       (unresolved names cost up to 20%)
 *   tests      = 1 exercised by a passing test, 0.9 only the plan's tests passed, 0.8 no tests
 *
 * With the default threshold 0.6, an atom that needed three attempts and has no tests (0.56), or
 * needed three attempts and is complex (0.525), goes to review; a first-attempt atom never does.
 */
export function atomConfidence(input: ConfidenceInput): number {
  if (!input.validated) return 0;
  const attempts = 1 - 0.15 * Math.max(0, input.attempts - 1);
  const complexity = 1 - Math.min(0.25, 0.025 * Math.max(0, input.complexity - 4));
  const context = 0.8 + 0.2 * Math.min(1, Math.max(0, input.contextCompleteness ?? 1));
  const tests = input.tests === 'exercised' ? 1 : input.tests === 'passed' ? 0.9 : 0.8;
  return Math.round(Math.max(0, attempts * complexity * context * tests) * 1000) / 1000;
}

/**
 * Atoms under `threshold`, lowest first, capped at `maxShare` of the plan's atoms (rounded up) so
 * a systematically low score cannot flood the review queue.
 */
export function selectForReview<T extends { confidence: number }>(
  atoms: readonly T[],
  threshold: number,
  maxShare: number,
): T[] {
  const cap = Math.ceil(Math.max(0, Math.min(1, maxShare)) * atoms.length);
  return atoms
    .filter((a) => a.confidence < threshold)
    .sort((a, b) => a.confidence - b.confidence)
    .slice(0, cap);
}

/**
 * Share of the names an atom uses that resolve: defined by an atom of the plan or a global of
 * the language (JavaScript globals, Python builtins).
 */
export function contextCompleteness(
  uses: readonly string[],
  planDefines: ReadonlySet<string>,
  globals: ReadonlySet<string>,
): number {
  if (uses.length === 0) return 1;
  return uses.filter((u) => planDefines.has(u) || globals.has(u)).length / uses.length;
}

/** Whether a test file names something the atom defines (it is exercised by the plan's tests). */
export function exercisedByTests(atom: SourceAtom, tests: readonly TestFile[]): boolean {
  const names = namesDefinedBy(atom);
  if (names.length === 0) return false;
  const pattern = new RegExp(
    `(?<![\\w$])(?:${names.map((n) => n.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`,
  );
  return tests.some((t) => pattern.test(t.code));
}
