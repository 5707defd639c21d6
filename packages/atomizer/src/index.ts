export {
  atomizeSource,
  atomSummary,
  type AtomSummary,
  type AtomizedFile,
  type AtomizeOptions,
  type DraftAtom,
} from './atomize.js';
export { type AtomContext } from './context.js';
export { ATOMIC_THRESHOLD, CRITERIA, CRITERIA_LIMITS, type Criterion } from './criteria.js';
export { DEFAULT_SIZE_POLICY, type SizePolicy } from './size-policy.js';
export { decodeSource, DEFAULT_MAX_SOURCE_BYTES } from './source-text.js';
export {
  parseSource,
  parseOrThrow,
  findSyntaxProblems,
  DEFAULT_PARSE_TIMEOUT_MS,
  type SyntaxProblem,
  type SyntaxNode,
  type Tree,
} from './parser.js';
export { cyclomaticComplexity } from './complexity.js';
export {
  AtomizerPool,
  createAtomizerPool,
  sharedAtomizerPool,
  type AtomizerPoolOptions,
} from './pool.js';
