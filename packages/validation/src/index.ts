export { validateAtom, type AtomInFile } from './atom-level.js';
export { validateDraft, type DraftCandidate } from './draft-level.js';
export {
  assembleFile,
  validateModule,
  type AssembledAtom,
  type ModuleContext,
} from './module-level.js';
export { validateComponent } from './component-level.js';
export { validateSystem } from './system-level.js';
export { draftPlanSources } from './draft-sources.js';
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
export {
  planFilePaths,
  type LevelResult,
  type PlanSources,
  type SourceAtom,
  type SourceFile,
  type TestFile,
} from './plan-files.js';
export * from './sandbox/index.js';
export {
  calibration,
  compareCalibration,
  FEATURE_NAMES,
  featureVector,
  fitConfidenceModel,
  formulaWeights,
  MIN_DECISIONS,
  predict,
  PRIOR_STRENGTH,
  type Calibration,
  type ConfidenceFeatures,
  type ReliabilityBin,
  type ReviewDecision,
  type Weights,
} from './confidence-model.js';
