export { atomizeSource, type AtomizedFile, type DraftAtom } from './decompose.js';
export { parseSource, parseOrThrow, findSyntaxProblems, type SyntaxProblem, type SyntaxNode, type Tree } from './parser.js';
export { cyclomaticComplexity } from './complexity.js';
