/**
 * What the API answers. Its OpenAPI document describes requests (from the routes' zod schemas) but
 * not yet response bodies, so the views are written here, mirroring the routes that build them
 * (apps/api/src/routes/*.ts). When responses get schemas, these become aliases of `schema.d.ts`.
 * Status lists and their types come from core's browser-safe entry, `@mge/core/domain`.
 */
import type { AtomStatus, Diagnostic, PlanMode, PlanStatus, ReviewStatus } from '@mge/core/domain';
import type { components } from './schema';

export type ErrorBody = components['schemas']['Error'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PlanListEntry {
  id: string;
  name: string;
  language: string;
  mode: PlanMode;
  spentDollars: number;
  spentTokens: number;
  /** Some of its calls went to the `sim` provider: the spend is simulated. */
  simulated: boolean;
  status: PlanStatus;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface StageProgress {
  done: number;
  failed: number;
  total: number;
  running?: number;
}

export interface PlanView {
  id: string;
  name: string;
  language: string;
  mode: PlanMode;
  status: PlanStatus;
  error: string | null;
  outputDir: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  progress: Record<'atomize' | 'graph' | 'generate' | 'validate', StageProgress>;
}

export interface SubmittedPlan {
  id: string;
  status: PlanStatus;
  mode: PlanMode;
}

export interface AtomSummary {
  id: string;
  planId: string;
  taskId: string;
  file: string;
  ordinal: number;
  kind: string;
  name: string;
  startLine: number;
  endLine: number;
  loc: number;
  complexity: number;
  defines: string[];
  uses: string[];
  status: AtomStatus;
  attempt: number;
}

export interface AtomDetail extends AtomSummary {
  draftCode: string;
  code: string | null;
  diagnostics: Diagnostic[] | null;
  analysis: {
    scope: string;
    sizeViolation: boolean;
    /** How many atomicity criteria hold; the others, each with why it fails. */
    criteriaPassed: number;
    criteriaFailed: { criterion: string; reason: string }[];
    atomic: boolean;
    contextCompleteness: number;
  } | null;
}

export interface DependencyGraph {
  planId: string;
  atomCount: number;
  edgeCount: number;
  waveCount: number;
  maxParallelism: number;
  criticalPath: string[];
  atoms: { id: string; file: string; name: string; kind: string; status: AtomStatus }[];
  edges: { from: string; to: string; kind: string }[];
  waves: string[][];
}

export interface ExecutionWaves {
  planId: string;
  waves: {
    index: number;
    status: string;
    atoms: { id: string; status?: AtomStatus }[];
    done: number;
  }[];
}

/** A review about an atom's code (`atom`), or about a test file that failed on approved code (`test`). */
export interface ReviewItem {
  id: string;
  atomId: string | null;
  reason: string;
  status: ReviewStatus;
  note: string | null;
  resolvedBy: string | null;
  createdAt: string;
  resolvedAt: string | null;
  atom: {
    file: string;
    name: string;
    kind: string;
    status: AtomStatus;
    attempts: number;
    diagnostics: Diagnostic[] | null;
    code: string;
  } | null;
  test: { file: string; code: string | null } | null;
}

export interface ReviewQueue extends Page<ReviewItem> {
  planId: string;
  planStatus: PlanStatus;
}

export type Role = 'admin' | 'member';

/** A person's account (apps/api/src/accounts/account-service.ts `publicUser`). */
export interface PublicUser {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  notifyOnReview: boolean;
  notifyOnFinish: boolean;
  disabled: boolean;
  createdAt: string;
}

/** Who is calling (`GET /api/v2/auth/me`): the user is null for an API key. */
export interface Identity {
  tenantId: string;
  role: Role;
  user: PublicUser | null;
}

/** One attempt of an atom (`GET /api/v2/atom/:id/attempts`, apps/api/src/atom-timeline.ts). */
export interface AttemptView {
  attempt: number;
  outcome: 'refused' | 'accepted' | 'running';
  errorCategory: string | null;
  error: string | null;
  /** The model's answer; null while running or for attempts that predate kept answers. */
  answer: string | null;
  at: string | null;
  usage: { calls: number; tokens: number; dollars: number; simulated: boolean } | null;
}

export interface AtomAttempts {
  atomId: string;
  status: AtomStatus;
  draftCode: string;
  code: string | null;
  /** Whose the current code is: the model's accepted answer or a reviewer's. */
  codeBy: 'model' | 'reviewer' | null;
  attempts: AttemptView[];
  reviews: {
    status: ReviewItem['status'];
    reason: string;
    note: string | null;
    resolvedBy: string | null;
    resolvedAt: string | null;
  }[];
}

/** An API key as an admin sees it (`GET /api/v2/api-keys`): never the key itself. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

/** `GET /api/v2/usage`: the tenant's LLM calls, tokens, dollars and plans. */
export interface Usage {
  calls: number;
  simulatedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  dollars: number;
  plans: number;
  plansByStatus: Partial<Record<PlanStatus, number>>;
}

/** `GET /api/v2/mode`. */
/** `GET /api/v2/tenants`: a tenant as the fleet's admins see it. */
export interface TenantOverview {
  id: string;
  name: string;
  modeOverride: PlanMode | null;
  createdAt: string;
  plans: number;
  spentDollars: number;
  spentTokens: number;
}

export interface ModeSetting {
  defaultMode: PlanMode;
  rolloutPercent: number | null;
  tenantOverride: PlanMode | null;
}

/** One mode's figures of `GET /api/v2/mode/stats`. */
export interface ModeFigures {
  plans: number;
  completed: number;
  failed: number;
  needsReview: number;
  cancelled: number;
  active: number;
  successRate: number | null;
  medianDurationMs: number | null;
  meanDurationMs: number | null;
  dollars: number;
  tokens: number;
  dollarsPerPlan: number | null;
  tokensPerPlan: number | null;
  simulatedPlans: number;
}

export interface ModeStats {
  scope: 'all-tenants' | 'tenant';
  simulated: boolean;
  modes: Record<PlanMode, ModeFigures>;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number | null;
  observed: number | null;
}

export interface Calibration {
  brier: number | null;
  bins: ReliabilityBin[];
}

/** `GET /api/v2/confidence`: the tenant's confidence scorer and its calibration. */
export interface ConfidenceReport {
  decisions: number;
  approved: number;
  minDecisions: number;
  priorStrength: number;
  scorer: 'formula' | 'learned';
  features: string[];
  prior: number[];
  learned: number[] | null;
  calibration: { formula: Calibration; learned: Calibration };
}

/** One requirement of a discovery (packages/planner/src/discovery-schema.ts). */
export interface DiscoveryRequirement {
  id: string;
  text: string;
  priority: string;
  acceptanceCriteria: string[];
}

/** The planner's analysis of requirements: the parts the console shows. */
export interface DiscoveryAnalysis {
  domain: { name: string; description: string };
  requirements: DiscoveryRequirement[];
  boundedContexts: { id: string; name: string; description: string; responsibilities: string[] }[];
  assumptions: string[];
  openQuestions: { question: string; blocking: boolean; defaultAnswer?: string }[];
  risks: string[];
}

/** `GET /api/v1/discovery/{id}`. */
export interface DiscoveryView {
  discoveryId: string;
  /** `analyzing` while the planner works; `stored` when no model is configured. */
  status: 'analyzing' | 'ready' | 'failed' | 'stored';
  requirements: string;
  analysis: DiscoveryAnalysis | null;
  error: string | null;
  model: string | null;
  attempts: number;
  usage: { inputTokens: number; outputTokens: number; dollars: number };
  createdAt: string;
}

/** One problem the plan validator found (packages/planner/src/plan-issues.ts). */
export interface PlanIssue {
  code: string;
  /** Where in the plan, e.g. `tasks[2].dependsOn[0]`; '' for the plan as a whole. */
  path: string;
  message: string;
}

export interface MasterPlanTask {
  id: string;
  milestoneId?: string;
  title: string;
  description: string;
  file: string;
  dependsOn: string[];
  requirementIds?: string[];
  estimatedLoc: number;
}

/** A MasterPlan document (packages/planner/src/masterplan-schema.ts): the parts shown. */
export interface MasterPlanDocument {
  name: string;
  language: string;
  description?: string;
  phases: { id: string; kind: string; goal: string }[];
  milestones: { id: string; phaseId: string; name: string; goal: string; dependsOn: string[] }[];
  tasks: MasterPlanTask[];
  tests: { file: string; covers: string[] }[];
}

/** `GET /api/v1/masterplan/{id}`: the plan view, its MasterPlan (planner-written) and versions. */
export interface MasterplanView extends PlanView {
  discoveryId: string | null;
  masterplan: {
    version: number;
    document: MasterPlanDocument;
    validation: {
      valid: boolean;
      errors: PlanIssue[];
      warnings: PlanIssue[];
      coverage: { requirements: { total: number; covered: number; uncovered: string[] } };
    };
    estimate: { tokens: number; dollars: number; tasks: number };
  } | null;
  versions: { version: number; createdAt: string }[];
}

/** `PATCH /api/v1/masterplan/{id}`: the new version, revalidated (an invalid edit is stored too). */
export interface MasterplanEdited {
  version: number;
  document: MasterPlanDocument;
  validation: NonNullable<MasterplanView['masterplan']>['validation'];
}

interface ByIdDiff {
  added: string[];
  removed: string[];
  changed: { id: string; fields: string[] }[];
}

/** `GET /api/v1/masterplan/{id}/diff?from&to`. */
export interface MasterplanDiff {
  from: number;
  to: number;
  diff: { tasks: ByIdDiff; milestones: ByIdDiff; tests: { added: string[]; removed: string[] } };
}

/** `GET /api/v2/plans/{id}/files`: the plan's output workspace. */
export interface OutputFiles {
  planId: string;
  files: { path: string; size: number }[];
}

/** `GET /api/v2/plans/{id}/file?path`. */
export interface OutputFile {
  path: string;
  size: number;
  content: string;
}

/** `GET /api/v2/plans/{id}/timeline`: cumulative spend per LLM call, atoms settled over time. */
export interface PlanTimeline {
  planId: string;
  simulated: boolean;
  spend: { at: string; tokens: number; dollars: number }[];
  settled: { at: string; validated: number; failed: number }[];
}
