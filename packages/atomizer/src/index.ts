export {
  atomizeKeepingTree,
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
  parseChecked,
  syntaxProblems,
  syntaxProblemsSince,
  reparseSource,
  findSyntaxProblems,
  type ParsedText,
  type CheckedParse,
  DEFAULT_PARSE_TIMEOUT_MS,
  type SyntaxNode,
  type Tree,
} from './parser.js';
export { patternNames, stringValue } from './patterns.js';
export { plainTree, PlainNode, type TreeNode } from './plain-tree.js';
export {
  corpusSamples,
  listSourceFiles,
  NODE_MODULES,
  pythonStdlib,
  sampleEvery,
} from './corpus.js';
export { definedNames } from './symbols.js';
export type { SyntaxProblem } from './compiler-syntax.js';
export { cyclomaticComplexity } from './complexity.js';
export {
  AtomizerPool,
  compiledWorkerFile,
  createAtomizerPool,
  WorkerPool,
  type AtomizerPoolOptions,
  type AtomizeTask,
  type FileTask,
  type WorkerPoolOptions,
} from './pool.js';
export { serveWorkerTasks } from './worker-tasks.js';
