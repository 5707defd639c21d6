import { z } from 'zod';
import { planInputSchema } from '@mge/core';
import { BULL_BOARD_PATH } from './bull-board.js';
import { liveProgressParams, liveProgressQuery } from './live-progress.js';
import { pageQuery } from './request-parsing.js';
import * as atoms from './routes/atoms.js';
import * as graph from './routes/graph.js';
import * as mode from './routes/mode.js';
import * as control from './routes/plan-control.js';
import * as plans from './routes/plans.js';
import * as review from './routes/review.js';
import { usageQuery } from './routes/usage.js';
import * as v1 from './routes/v1.js';
import { validateBody } from './routes/validation.js';

/** `key`: any tenant's API key; `admin`: an admin key (403 to member keys); `none`: public. */
export type Auth = 'none' | 'key' | 'admin';

/**
 * One HTTP operation of the API. The OpenAPI document (`openapi.ts`) and the endpoint tests
 * (`routes/endpoints.int.test.ts`) are built from `API_OPERATIONS`, and a test fails when Express
 * serves a route that is missing here.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template: `{id}` where the Express route has `:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  /** The zod schemas the route itself validates its path parameters, query and body with. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Media types the body may come in. @defaultValue `['application/json']` */
  bodyTypes?: readonly string[];
  /** The caller's tenant's resource the request names: another tenant's (or none) answers 404. */
  owned?: 'plan' | 'task' | 'atom';
  /** Status and description of a success; `type` is its media type. @defaultValue JSON */
  success: { status: number; description: string; type?: string };
  /** Errors beyond those implied by `auth`, `params`/`query`/`body` and `owned`, by status. */
  errors?: Record<number, string>;
  /** Vendor extensions, e.g. `{ 'x-websocket': true }` on a GET that upgrades (status 101). */
  extensions?: Record<`x-${string}`, unknown>;
}

const planBody = planInputSchema.meta({ description: 'A plan (JSON, or YAML with a YAML type).' });
const JSON_TYPE = 'application/json';

export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'The process is alive',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: '`{ status: "ok" }`' },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Redis and Postgres answer',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: '`{ status: "ready", checks }`' },
    errors: { 503: 'not ready: `{ status: "not ready", checks }` names the failing dependency' },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: 'Prometheus text exposition format', type: 'text/plain' },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: 'the document' },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'Interactive API docs (Swagger UI) over /openapi.json',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: 'an HTML page', type: 'text/html' },
  },
  {
    method: 'get',
    path: BULL_BOARD_PATH,
    summary: 'Bull Board: the queues in a browser',
    tag: 'operations',
    auth: 'admin',
    success: { status: 200, description: 'an HTML page', type: 'text/html' },
  },
  {
    method: 'get',
    path: '/api/v2/plans',
    summary: "The caller's tenant's plans, newest first",
    tag: 'plans',
    auth: 'key',
    query: plans.planListQuery,
    success: { status: 200, description: '`{ items, nextCursor }`' },
  },
  {
    method: 'post',
    path: '/api/v2/plans',
    summary: 'Submit a plan; atomization starts at once',
    tag: 'plans',
    auth: 'key',
    body: planBody,
    bodyTypes: [JSON_TYPE, ...plans.YAML_TYPES],
    success: { status: 202, description: '`{ id, status, enqueued, links }`; Location: the plan' },
  },
  {
    method: 'get',
    path: '/api/v2/plans/{id}',
    summary: "A plan's status, progress, spending and history",
    tag: 'plans',
    auth: 'key',
    params: plans.planIdParam,
    owned: 'plan',
    success: { status: 200, description: 'the plan view' },
  },
  ...(['cancel', 'pause'] as const).map((action): ApiOperation => ({
    method: 'post',
    path: `/api/v2/plans/{id}/${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a plan`,
    tag: 'plans',
    auth: 'key',
    params: control.planIdParam,
    owned: 'plan',
    success: { status: 200, description: 'the plan view' },
  })),
  {
    method: 'post',
    path: '/api/v2/plans/{id}/resume',
    summary: 'Resume a paused plan or one stopped by its budget, optionally with a new budget',
    tag: 'plans',
    auth: 'key',
    params: control.planIdParam,
    body: control.resumeBody,
    owned: 'plan',
    success: { status: 200, description: 'the plan view' },
  },
  {
    method: 'post',
    path: '/api/v2/execute/wave',
    summary: 'Release one wave of a `waves` plan by hand',
    tag: 'plans',
    auth: 'key',
    body: control.waveBody,
    owned: 'plan',
    success: { status: 202, description: '`{ planId, wave, released }`' },
  },
  {
    method: 'post',
    path: '/api/v2/atomize/task/{id}',
    summary: 'Queue atomization of a pending task',
    tag: 'atoms',
    auth: 'key',
    params: atoms.taskIdParam,
    owned: 'task',
    success: { status: 202, description: '`{ taskId, planId, status, links }`' },
    errors: { 409: 'the task is already atomized (atoms are immutable)' },
  },
  {
    method: 'post',
    path: '/api/v2/atomize/plan/{id}',
    summary: "Queue atomization of a plan's pending tasks",
    tag: 'atoms',
    auth: 'key',
    params: atoms.planIdParam,
    owned: 'plan',
    success: { status: 202, description: '`{ planId, queued, links }`' },
    errors: { 409: 'no task of the plan is pending' },
  },
  {
    method: 'get',
    path: '/api/v2/atoms/{id}',
    summary: "A plan's atoms in file order",
    tag: 'atoms',
    auth: 'key',
    params: atoms.planIdParam,
    query: pageQuery,
    owned: 'plan',
    success: { status: 200, description: '`{ planId, items, nextCursor }`' },
  },
  {
    method: 'get',
    path: '/api/v2/atom/{id}',
    summary: 'One atom with its code, atomicity criteria and context',
    tag: 'atoms',
    auth: 'key',
    params: atoms.atomIdParam,
    owned: 'atom',
    success: { status: 200, description: 'the atom' },
  },
  {
    method: 'post',
    path: '/api/v2/dependency-graph/build',
    summary: 'The dependency graph of posted files or a plan (nothing is stored)',
    tag: 'graph',
    auth: 'key',
    body: z.union([planBody, graph.sourcesBody]),
    success: { status: 200, description: 'atoms, edges, waves, cycle groups and boundaries' },
  },
  {
    method: 'get',
    path: '/api/v2/dependency-graph/{id}',
    summary: "A plan's stored dependency graph",
    tag: 'graph',
    auth: 'key',
    params: graph.planIdParam,
    owned: 'plan',
    success: { status: 200, description: 'atoms, edges, waves and the critical path' },
  },
  {
    method: 'get',
    path: '/api/v2/dependency-graph/{id}.svg',
    summary: "A plan's dependency graph as an SVG picture",
    tag: 'graph',
    auth: 'key',
    params: graph.planIdParam,
    owned: 'plan',
    success: { status: 200, description: 'the picture', type: 'image/svg+xml' },
  },
  {
    method: 'get',
    path: '/api/v2/execution-waves/{id}',
    summary: "A plan's waves with each atom's status",
    tag: 'graph',
    auth: 'key',
    params: graph.planIdParam,
    owned: 'plan',
    success: { status: 200, description: '`{ planId, waves }`' },
  },
  {
    method: 'post',
    path: '/api/v2/validate/hierarchical',
    summary: 'L2-L4 validation of a stored plan or a plan document (a dry run)',
    tag: 'validation',
    auth: 'key',
    body: validateBody,
    owned: 'plan',
    success: { status: 200, description: 'the result of each level' },
  },
  {
    method: 'get',
    path: '/api/v2/review-queue/{planId}',
    summary: "A plan's human review rows with their atoms",
    tag: 'review',
    auth: 'key',
    params: review.planIdParam,
    query: pageQuery,
    owned: 'plan',
    success: { status: 200, description: '`{ planId, planStatus, items, nextCursor }`' },
  },
  {
    method: 'post',
    path: '/api/v2/review/{atomId}',
    summary: "Resolve an atom's open review: approve, edit, regenerate or reject",
    tag: 'review',
    auth: 'key',
    params: review.atomIdParam,
    body: review.reviewBody,
    owned: 'atom',
    success: { status: 200, description: 'the outcome and the plan status' },
    errors: { 409: 'the atom has no open review, or it changed meanwhile' },
  },
  {
    method: 'get',
    path: '/api/v2/usage',
    summary: "The caller's tenant's LLM calls, tokens, dollars and plans",
    tag: 'usage',
    auth: 'key',
    query: usageQuery,
    success: { status: 200, description: 'the totals over `[from, to)`' },
  },
  {
    method: 'get',
    path: '/api/v2/mode',
    summary: "The fleet's mode setting and the caller's tenant's override",
    tag: 'mode',
    auth: 'key',
    success: { status: 200, description: '`{ defaultMode, rolloutPercent, tenantOverride }`' },
  },
  {
    method: 'post',
    path: '/api/v2/mode',
    summary: "Set the default mode, the v2 rollout percentage or a tenant's override",
    tag: 'mode',
    auth: 'admin',
    body: mode.modeUpdateBody,
    success: { status: 200, description: '`{ defaultMode, rolloutPercent, tenant? }`' },
    errors: { 404: 'no such tenant (nothing changed)' },
  },
  {
    method: 'get',
    path: '/api/v2/mode/stats',
    summary: 'Per-mode success rate, time and cost side by side (simulated figures labelled)',
    tag: 'mode',
    auth: 'key',
    success: {
      status: 200,
      description: "`{ scope, tenantId?, simulated, modes: { mvp, v2 } }`; admin: every tenant's",
    },
  },
  {
    method: 'post',
    path: '/api/v1/discovery/start',
    summary: 'Store requirements text (no analysis: the planner is not built)',
    tag: 'v1',
    auth: 'key',
    body: v1.discoveryStartBody,
    success: { status: 201, description: '`{ discoveryId, analysis: null, createdAt }`' },
  },
  {
    method: 'post',
    path: '/api/v1/masterplan/generate',
    summary: 'Store a plan document without starting it (status `queued`)',
    tag: 'v1',
    auth: 'key',
    body: planBody.and(v1.masterplanGenerateExtras),
    success: {
      status: 201,
      description: '`{ masterplanId, status: "queued", mode, discoveryId, tasks, links }`',
    },
    errors: { 404: "the discoveryId is not one of the caller's tenant's documents" },
  },
  {
    method: 'post',
    path: '/api/v1/masterplan/execute',
    summary: 'Start a queued plan in the mode resolved now',
    tag: 'v1',
    auth: 'key',
    body: v1.masterplanExecuteBody,
    owned: 'plan',
    success: {
      status: 202,
      description: '`{ masterplanId, status, mode, modeDecidedBy, enqueued, links }`',
    },
    errors: { 409: 'the plan is not queued' },
  },
  {
    method: 'get',
    path: '/api/v1/masterplan/{id}',
    summary: 'A plan with its mode, progress and tasks',
    tag: 'v1',
    auth: 'key',
    params: v1.masterplanIdParam,
    owned: 'plan',
    success: { status: 200, description: 'the plan view plus `tasks`' },
  },
  {
    method: 'get',
    path: '/api/v1/task/{id}',
    summary: 'One task with its drafted and generated code',
    tag: 'v1',
    auth: 'key',
    params: v1.taskIdParam,
    owned: 'task',
    success: { status: 200, description: 'the task' },
  },
  {
    method: 'post',
    path: '/api/v1/task/{id}/retry',
    summary: 'One more attempt for a task of a failed MVP plan (reopens the plan)',
    tag: 'v1',
    auth: 'key',
    params: v1.taskIdParam,
    owned: 'task',
    success: { status: 202, description: '`{ taskId, planId, attempt, planStatus }`' },
    errors: { 409: 'not an MVP plan, the plan is not failed, or the task cannot be retried' },
  },
  {
    method: 'get',
    path: '/ws/masterplan/{id}',
    summary:
      'Live progress (WebSocket): a snapshot, then every plan, atom, task and cost event; `?since=N` resumes after N',
    tag: 'v1',
    auth: 'key',
    params: liveProgressParams,
    query: liveProgressQuery,
    owned: 'plan',
    success: {
      status: 101,
      description:
        'switching to WebSocket; frames are JSON `{ seq, at, type, ... }` (see docs/architecture.md)',
    },
    extensions: { 'x-websocket': true },
  },
];
