/**
 * The ten atomicity criteria. Each is decided from facts the AST gives (never substring
 * matching) and either passes or fails with a reason. An atom is atomic when at least
 * `ATOMIC_THRESHOLD` pass.
 */
export const CRITERIA = [
  'size',
  'complexity',
  'single_responsibility',
  'clear_boundaries',
  'independence',
  'context_completeness',
  'testability',
  'determinism',
  'no_side_effects',
  'clear_io',
] as const;
export type Criterion = (typeof CRITERIA)[number];

export const ATOMIC_THRESHOLD = 8;

/** Limits behind the criteria. */
export const CRITERIA_LIMITS = {
  /** Lines of code. */
  maxLoc: 15,
  /** Cyclomatic complexity: a third of McCabe's 10-per-function, as an atom is about a third of a function. */
  maxComplexity: 6,
  /** Other atoms of the same file whose symbols it uses. */
  maxDependencies: 3,
  /** Context completeness. */
  minCompleteness: 0.9,
  /** Parameters per function, and values read from the enclosing scopes by a body block. */
  maxInputs: 5,
};

/** Facts about one atom, gathered by the atomizer. */
export interface CriteriaFacts {
  loc: number;
  indivisible: boolean;
  complexity: number;
  /** Functions, methods and classes the atom defines. */
  definitions: string[];
  mixesImports: boolean;
  /** The atom opens a body that continues in later atoms / closes one that began earlier. */
  opens: string | undefined;
  closes: string | undefined;
  dependsOnAtoms: number;
  completeness: number;
  unresolved: readonly string[];
  /** Executable statements at module level (run at import time). */
  moduleLevelEffects: number;
  /** A body block with no named function or class around it (an IIFE, a top-level callback). */
  anonymousScope: boolean;
  nondeterministic: readonly string[];
  sideEffects: readonly string[];
  /** Parameter counts of the functions it defines, and whether TypeScript parameters are typed. */
  maxParameters: number;
  untypedParameters: number;
  scopeInputs: number;
}

export interface CriteriaResult {
  passed: Criterion[];
  failed: { criterion: Criterion; reason: string }[];
  atomic: boolean;
}

const list = (names: readonly string[]): string =>
  names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');

export function evaluateCriteria(f: CriteriaFacts): CriteriaResult {
  const L = CRITERIA_LIMITS;
  const checks: Record<Criterion, string | undefined> = {
    size:
      f.loc > L.maxLoc
        ? `${f.loc} LOC > ${L.maxLoc}${f.indivisible ? ' (indivisible: no statement boundary to cut at)' : ''}`
        : undefined,
    complexity:
      f.complexity > L.maxComplexity
        ? `cyclomatic complexity ${f.complexity} > ${L.maxComplexity}`
        : undefined,
    single_responsibility:
      f.definitions.length > 1
        ? `defines ${f.definitions.length} functions/classes (${list(f.definitions)})`
        : f.mixesImports
          ? 'mixes imports with other code'
          : undefined,
    clear_boundaries: f.opens
      ? `opens the body of ${f.opens}, which continues in the next atoms`
      : f.closes
        ? `closes the body of ${f.closes}, which began in an earlier atom`
        : undefined,
    independence:
      f.dependsOnAtoms > L.maxDependencies
        ? `uses symbols of ${f.dependsOnAtoms} other atoms of the file (> ${L.maxDependencies})`
        : undefined,
    context_completeness:
      f.completeness < L.minCompleteness
        ? `context resolves ${Math.round(f.completeness * 100)}% of referenced names; unresolved: ${list(f.unresolved)}`
        : undefined,
    testability:
      f.moduleLevelEffects > 0
        ? 'runs code at import time: no named entry point to call from a test'
        : f.anonymousScope
          ? 'inside an anonymous function: not reachable by name from a test'
          : undefined,
    determinism:
      f.nondeterministic.length > 0
        ? `calls nondeterministic APIs: ${list(f.nondeterministic)}`
        : undefined,
    no_side_effects:
      f.sideEffects.length > 0 ? `has side effects: ${list(f.sideEffects)}` : undefined,
    clear_io:
      f.maxParameters > L.maxInputs
        ? `a function takes ${f.maxParameters} parameters (> ${L.maxInputs})`
        : f.untypedParameters > 0
          ? `${f.untypedParameters} parameter(s) without a type annotation`
          : f.scopeInputs > L.maxInputs
            ? `reads ${f.scopeInputs} values from its enclosing scopes (> ${L.maxInputs})`
            : undefined,
  };
  const passed: Criterion[] = [];
  const failed: CriteriaResult['failed'] = [];
  for (const criterion of CRITERIA) {
    const reason = checks[criterion];
    if (reason === undefined) passed.push(criterion);
    else failed.push({ criterion, reason });
  }
  return { passed, failed, atomic: passed.length >= ATOMIC_THRESHOLD };
}
