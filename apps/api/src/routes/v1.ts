import { z } from 'zod';
import { LANGUAGES, NotFoundError, parsePlan, planInputSchema } from '@mge/core';
import {
  findDiscoveryForTenant,
  listDiscoveryRetrievals,
  listPlanHistory,
  listPlanVersions,
  listTasks,
} from '@mge/db';
import {
  approveMasterplan,
  editMasterplan,
  estimatePlanCost,
  executeStoredPlan,
  getPlanView,
  readMasterplan,
  retryTask,
  startDiscovery,
  startMasterplan,
  storePlan,
  type Submission,
} from '@mge/pipeline';
import { diffMasterPlans } from '@mge/planner';
import { ids, parseInput, planIdParam, taskIdParam } from '../request-parsing.js';
import { defineRoute, Reply } from '../route.js';
import { planBody } from './plans.js';
import { retrievalView } from './rag.js';

/** Body of `POST /api/v1/discovery/start`. */
export const discoveryStartBody = z
  .object({ requirements: z.string().trim().min(1, 'must not be empty').max(200_000) })
  .strict();
/**
 * Body of `POST /api/v1/masterplan/generate`: a plan (the `POST /api/v2/plans` schema, parsed by
 * `parsePlan`) plus an optional `discoveryId`; this schema checks the extra field only.
 */
export const masterplanGenerateExtras = z.object({
  discoveryId: z.uuid({ error: 'discoveryId must be a UUID' }).optional(),
});
/** Body of `POST /api/v1/masterplan/generate` that asks the planner to write the plan. */
export const masterplanFromDiscoveryBody = z
  .object({
    discoveryId: z.uuid({ error: 'discoveryId must be a UUID' }),
    language: z.enum(LANGUAGES).optional(),
    /** Caps for the plan, planning included; the server's defaults apply when absent. */
    budget: planInputSchema.shape.budget,
    /** Start the plan on its own once it is planned and validates (under its budget). */
    approve: z.boolean().optional(),
  })
  .strict();
const discoveryIdParam = z.object({ id: ids.discovery });
const entityEdit = z.looseObject({ id: z.string().min(1).max(100) });
/** Body of `PATCH /api/v1/masterplan/{id}`: tasks and milestones merged by id, removals, tests. */
export const masterplanEditBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    tasks: z.array(entityEdit).max(10_000).optional(),
    removeTasks: z.array(z.string().min(1)).optional(),
    milestones: z.array(entityEdit).optional(),
    tests: z.array(z.looseObject({ file: z.string() })).optional(),
  })
  .strict()
  .refine(
    (b) => Object.keys(b).length > 0,
    'name at least one of name, tasks, removeTasks, milestones, tests',
  );
export const versionDiffQuery = z.object({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});
/** Body of `POST /api/v1/masterplan/execute`. */
export const masterplanExecuteBody = z
  .object({ masterplanId: z.uuid({ error: 'masterplanId must be a UUID' }) })
  .strict();

/** The answer of `execute` and `approve`: the plan started in the mode resolved now. */
function startedBody(started: Submission) {
  return {
    masterplanId: started.planId,
    status: started.status,
    mode: started.mode,
    modeDecidedBy: started.modeDecidedBy,
    enqueued: started.enqueued,
    links: { self: `/api/v1/masterplan/${started.planId}` },
  };
}

/**
 * The v1 (task-level) API. v1 is an API version: the plan's mode (mvp | v2) decides the engine.
 * With a model configured, discovery and `masterplan/generate { discoveryId }` run the planner
 * role; `masterplan/generate` with a plan document stores that plan as before.
 */
export const v1Routes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/discovery/start',
    summary:
      'Store requirements; with a model configured the planner analyses them (202, `analyzing`)',
    tag: 'v1',
    auth: 'key',
    body: discoveryStartBody,
    success: {
      status: 202,
      description:
        '`{ discoveryId, status, analysis: null, createdAt, links }`: 202 `analyzing` when a model ' +
        'is configured, else 201 `stored` (text only, as before the planner)',
    },
    handler: async ({ body, caller, deps }) => {
      const doc = await startDiscovery(deps, caller.tenantId, body.requirements);
      const self = `/api/v1/discovery/${doc.id}`;
      return new Reply(
        {
          discoveryId: doc.id,
          status: doc.status,
          analysis: doc.analysis ?? null,
          createdAt: doc.createdAt,
          links: { self, live: `/ws/discovery/${doc.id}` },
        },
        { status: doc.status === 'analyzing' ? 202 : 201, location: self },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/discovery/{id}',
    summary: 'A discovery document: status, analysis (a DiscoveryDocument), cost, error',
    tag: 'v1',
    auth: 'key',
    params: discoveryIdParam,
    owns: 'discovery',
    success: {
      status: 200,
      description:
        '`{ discoveryId, status, requirements, analysis, error, model, attempts, usage, links }` ' +
        '(`links.live`: its progress socket)',
    },
    handler: ({ discovery: doc }) => {
      const self = `/api/v1/discovery/${doc.id}`;
      return {
        discoveryId: doc.id,
        status: doc.status,
        requirements: doc.requirements,
        analysis: doc.analysis ?? null,
        error: doc.error,
        model: doc.model,
        attempts: doc.attempts,
        usage: {
          inputTokens: doc.inputTokens,
          outputTokens: doc.outputTokens,
          dollars: doc.dollars,
        },
        createdAt: doc.createdAt,
        updatedAt: doc.updatedAt,
        links: {
          self,
          retrievals: `${self}/retrievals`,
          live: `/ws/discovery/${doc.id}`,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/discovery/{id}/retrievals',
    summary: "The retrieved snippets the discovery's prompt carried",
    tag: 'v1',
    auth: 'key',
    params: discoveryIdParam,
    owns: 'discovery',
    success: {
      status: 200,
      description:
        '`{ retrievals: [ { subjectKind, subjectId, rank, source, sourceId, file, name, language, ' +
        'score, tokens } ] }` in rank order: one retrieval within `MGE_RAG_TOKEN_BUDGET`, so never ' +
        'long (no paging); empty when retrieval was off or found nothing',
    },
    handler: async ({ discovery, deps }) => ({
      retrievals: (await listDiscoveryRetrievals(deps.db, discovery.id)).map(retrievalView),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/masterplan/generate',
    summary:
      'Store a plan document without starting it (201 `queued`), or with only `{ discoveryId }` ' +
      'have the planner write it from the analysis (202 `planning`)',
    tag: 'v1',
    auth: 'key',
    body: z.union([masterplanFromDiscoveryBody, planBody.and(masterplanGenerateExtras)]),
    // The plan schema strips fields it does not know, `discoveryId` among them.
    parseBody: (raw) =>
      raw && typeof raw === 'object' && !('tasks' in raw)
        ? parseInput(masterplanFromDiscoveryBody, raw)
        : { ...parseInput(masterplanGenerateExtras, raw), ...parsePlan(raw) },
    success: {
      status: 201,
      description:
        '`{ masterplanId, status: "queued", mode, discoveryId, tasks, links }`; from a discovery: ' +
        '202 `{ masterplanId, status: "planning", discoveryId, links }`',
    },
    errors: {
      404: "the discoveryId is not one of the caller's tenant's documents",
      409: 'the discovery is not analysed, or no model is configured for the planner',
    },
    handler: async ({ body, caller, deps }) => {
      if (!('tasks' in body)) {
        const started = await startMasterplan(deps, caller.tenantId, body.discoveryId, body);
        const self = `/api/v1/masterplan/${started.planId}`;
        return new Reply(
          {
            masterplanId: started.planId,
            status: started.status,
            discoveryId: body.discoveryId,
            links: { self, approve: `${self}/approve`, versions: `${self}/versions` },
          },
          { status: 202, location: self },
        );
      }
      const { discoveryId, ...input } = body;
      if (discoveryId && !(await findDiscoveryForTenant(deps.db, discoveryId, caller.tenantId)))
        throw new NotFoundError('discovery document', discoveryId);
      const stored = await storePlan(deps, caller.tenantId, input, discoveryId);
      const self = `/api/v1/masterplan/${stored.id}`;
      return new Reply(
        {
          masterplanId: stored.id,
          status: stored.status,
          // Provisional: execute resolves the mode again.
          mode: stored.mode,
          discoveryId: stored.discoveryId,
          tasks: input.tasks.length,
          links: { self, execute: '/api/v1/masterplan/execute' },
        },
        { location: self },
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/masterplan/execute',
    summary: 'Start a queued plan in the mode resolved now',
    tag: 'v1',
    auth: 'key',
    body: masterplanExecuteBody,
    owns: 'plan',
    ownerId: ({ body }) => body.masterplanId,
    success: {
      status: 202,
      description: '`{ masterplanId, status, mode, modeDecidedBy, enqueued, links }`',
    },
    errors: { 409: 'the plan is not queued' },
    handler: async ({ plan, caller, deps }) => {
      const started = await executeStoredPlan(deps, caller.tenantId, plan.id);
      return startedBody(started);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/masterplan/{id}',
    summary: 'A plan with its mode, progress and tasks',
    tag: 'v1',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: 'the plan view plus `tasks`' },
    handler: async ({ plan, caller, deps }) => {
      const [view, tasks, masterplan, versions] = await Promise.all([
        getPlanView(deps.db, plan.id, caller.tenantId),
        listTasks(deps.db, plan.id),
        readMasterplan(deps.db, plan.id, caller.tenantId),
        listPlanVersions(deps.db, plan.id),
      ]);
      return {
        ...view,
        discoveryId: plan.discoveryId,
        // A plan the planner wrote: its latest version, validated now (null for hand-written plans).
        masterplan: masterplan
          ? { ...masterplan, estimate: estimatePlanCost(masterplan.document, deps.config.llm) }
          : null,
        versions,
        tasks: tasks.map((t) => ({
          id: t.id,
          key: t.key,
          title: t.title,
          file: t.file,
          status: t.status,
          attempts: t.attempt,
          error: t.error,
          links: { self: `/api/v1/task/${t.id}` },
        })),
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/masterplan/{id}',
    summary: 'Edit a plan not yet started: a new version, revalidated',
    tag: 'v1',
    auth: 'key',
    params: planIdParam,
    body: masterplanEditBody,
    owns: 'plan',
    success: { status: 200, description: '`{ version, document, validation }`' },
    errors: { 409: 'the plan has started, or has no MasterPlan' },
    handler: ({ plan, body, caller, deps }) =>
      editMasterplan(deps, caller.tenantId, plan.id, body, caller.keyPrefix),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/masterplan/{id}/versions',
    summary: "A plan's versions and its history (actor, kind, diff)",
    tag: 'v1',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: '`{ versions: [{ version, createdAt }], history }`' },
    handler: async ({ plan, deps }) => {
      const [versions, history] = await Promise.all([
        listPlanVersions(deps.db, plan.id),
        listPlanHistory(deps.db, plan.id),
      ]);
      return {
        versions,
        history: history.map((h) => ({ kind: h.event, data: h.data, createdAt: h.createdAt })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/masterplan/{id}/diff',
    summary: 'What changed between two versions (tasks, milestones, tests)',
    tag: 'v1',
    auth: 'key',
    params: planIdParam,
    query: versionDiffQuery,
    owns: 'plan',
    success: { status: 200, description: '`{ from, to, diff }`' },
    errors: { 404: 'no such version' },
    handler: async ({ plan, query, caller, deps }) => {
      const [from, to] = await Promise.all([
        readMasterplan(deps.db, plan.id, caller.tenantId, query.from),
        readMasterplan(deps.db, plan.id, caller.tenantId, query.to),
      ]);
      if (!from) throw new NotFoundError('version', String(query.from));
      if (!to) throw new NotFoundError('version', String(query.to));
      return { from: query.from, to: query.to, diff: diffMasterPlans(from.document, to.document) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/masterplan/{id}/approve',
    summary: 'Approve a queued plan whose MasterPlan validates, and start it (v2 or MVP)',
    tag: 'v1',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: {
      status: 202,
      description: '`{ masterplanId, status, mode, modeDecidedBy, enqueued, links }`',
    },
    errors: { 409: 'the plan is not queued, or its MasterPlan does not validate (errors named)' },
    handler: async ({ plan, caller, deps }) => {
      const started = await approveMasterplan(deps, caller.tenantId, plan.id);
      return startedBody(started);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/task/{id}',
    summary: 'One task with its drafted and generated code',
    tag: 'v1',
    auth: 'key',
    params: taskIdParam,
    owns: 'task',
    success: { status: 200, description: 'the task' },
    handler: ({ task, plan }) => ({
      id: task.id,
      masterplanId: plan.id,
      mode: plan.mode,
      key: task.key,
      title: task.title,
      description: task.description,
      file: task.file,
      dependsOn: task.dependsOn,
      status: task.status,
      attempts: task.attempt,
      error: task.error,
      draftCode: task.code,
      generatedCode: task.generatedCode,
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/task/{id}/retry',
    summary: 'One more attempt for a task of a failed MVP plan (reopens the plan)',
    tag: 'v1',
    auth: 'key',
    params: taskIdParam,
    owns: 'task',
    success: { status: 202, description: '`{ taskId, planId, attempt, planStatus }`' },
    errors: { 409: 'not an MVP plan, the plan is not failed, or the task cannot be retried' },
    handler: ({ task, caller, deps }) => retryTask(deps, caller.tenantId, task.id),
  }),
];
