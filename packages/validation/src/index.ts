export { validateAtom, type AtomInFile } from './atom-level.js';
export {
  assembleFile,
  validateModule,
  type AssembledAtom,
  type ModuleContext,
} from './module-level.js';
export { validateComponent } from './component-level.js';
export { validateSystem } from './system-level.js';
export {
  validateHierarchy,
  PLAN_LEVELS,
  type HierarchyOptions,
  type HierarchyResult,
  type PlanLevel,
} from './hierarchy.js';
export {
  atomConfidence,
  contextCompleteness,
  exercisedByTests,
  selectForReview,
  type ConfidenceInput,
} from './confidence.js';
export { pythonFacts, type PythonFacts } from './python-facts.js';
export { atomLineRanges, type AtomLines } from './line-ranges.js';
export { syntaxDiagnostics } from './syntax.js';
export { forbiddenConstructs } from './forbidden-constructs.js';
export type { LevelResult, PlanSources, SourceAtom, SourceFile, TestFile } from './plan-files.js';
export * from './sandbox/index.js';
