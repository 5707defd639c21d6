import { atomSummary } from '@mge/atomizer';
import { ConflictError } from '@mge/core';
import { listPlanAtomsForTenant, listTasks, loadAtomHistory, type AtomicUnit } from '@mge/db';
import { atomTimeline } from '../atom-timeline.js';
import { enqueueMany } from '@mge/queue';
import {
  atomIdParam,
  nextCursor,
  pageQuery,
  planIdParam,
  taskIdParam,
} from '../request-parsing.js';
import { defineRoute } from '../route.js';

/** 409: atoms are immutable once the graph is built. */
function immutable(message: string, detail?: string | null): ConflictError {
  return new ConflictError(
    `${message}${detail ? ` (${detail})` : ''}; atoms are immutable once atomized, submit a new plan to change them`,
  );
}

/**
 * Atomization: queue atomization of pending tasks (202; an atomized task answers 409), list a
 * plan's atoms in file order, and show one atom with its atomicity criteria and context, and its
 * attempts.
 */
export const atomRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v2/atomize/task/{id}',
    summary: 'Queue atomization of a pending task',
    tag: 'atoms',
    auth: 'key',
    params: taskIdParam,
    owns: 'task',
    success: { status: 202, description: '`{ taskId, planId, status, links }`' },
    errors: { 409: 'the task is already atomized (atoms are immutable)' },
    handler: async ({ task, plan, deps }) => {
      if (task.status !== 'pending')
        throw immutable(`task "${task.key}" is already ${task.status}`, task.error);
      await enqueueMany(deps.queues, 'atomize', [{ planId: plan.id, taskId: task.id }]);
      return {
        taskId: task.id,
        planId: plan.id,
        status: 'queued',
        links: { atoms: `/api/v2/atoms/${plan.id}` },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/atomize/plan/{id}',
    summary: "Queue atomization of a plan's pending tasks",
    tag: 'atoms',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 202, description: '`{ planId, queued, links }`' },
    errors: { 409: 'no task of the plan is pending' },
    handler: async ({ plan, deps }) => {
      const pending = (await listTasks(deps.db, plan.id)).filter((t) => t.status === 'pending');
      if (pending.length === 0)
        throw immutable(`every task of plan ${plan.id} is already atomized or failed`);
      // Deterministic job ids make this idempotent with the jobs the plan submission enqueued.
      await enqueueMany(
        deps.queues,
        'atomize',
        pending.map((t) => ({ planId: plan.id, taskId: t.id })),
      );
      return {
        planId: plan.id,
        queued: pending.map((t) => t.id),
        links: { atoms: `/api/v2/atoms/${plan.id}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/atoms/{id}',
    summary: "A plan's atoms in file order",
    tag: 'atoms',
    auth: 'key',
    params: planIdParam,
    query: pageQuery,
    owns: 'plan',
    success: { status: 200, description: '`{ planId, items, nextCursor }`' },
    handler: async ({ plan, query, caller, deps }) => {
      const page = { limit: query.limit, after: query.cursor };
      const atoms = (await listPlanAtomsForTenant(deps.db, plan.id, caller.tenantId, page)) ?? [];
      return {
        planId: plan.id,
        items: atoms.map(atomView),
        nextCursor: nextCursor(atoms, query.limit, (a) => a.id),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/atom/{id}',
    summary: 'One atom with its code, atomicity criteria and context',
    tag: 'atoms',
    auth: 'key',
    params: atomIdParam,
    owns: 'atom',
    success: { status: 200, description: 'the atom' },
    handler: async ({ atom, task, deps }) => {
      // Criteria and context are derived data: atomization is deterministic, so they are
      // recomputed from the task's code instead of being stored; a mismatch (another atomizer
      // version) shows none.
      const file = await deps.atomizer.atomize(task.code, task.file);
      const draft = file.atoms[atom.ordinal];
      const matches = draft && draft.startByte === atom.startByte && draft.endByte === atom.endByte;
      return {
        ...atomView(atom),
        draftCode: atom.draftCode,
        code: atom.code,
        diagnostics: atom.diagnostics,
        analysis: matches
          ? {
              scope: draft.scope,
              sizeViolation: draft.sizeViolation,
              criteriaPassed: draft.criteriaPassed,
              criteriaFailed: draft.criteriaFailed,
              atomic: draft.atomic,
              contextCompleteness: draft.contextCompleteness,
              context: draft.context,
            }
          : null,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/atom/{id}/attempts',
    summary:
      "One atom's attempts, oldest first: each refused one with its error and the model's answer, the accepted or running one, their cost, and the reviews closed on the atom",
    tag: 'atoms',
    auth: 'key',
    params: atomIdParam,
    owns: 'atom',
    success: {
      status: 200,
      description: '`{ atomId, status, draftCode, code, codeBy, attempts, reviews }`',
    },
    handler: async ({ atom, deps }) => atomTimeline(atom, await loadAtomHistory(deps.db, atom.id)),
  }),
];

function atomView(a: AtomicUnit) {
  return {
    id: a.id,
    planId: a.masterplanId,
    taskId: a.taskId,
    file: a.file,
    ordinal: a.ordinal,
    ...atomSummary(a),
    defines: a.defines,
    uses: a.uses,
    status: a.status,
    attempt: a.attempt,
    links: { self: `/api/v2/atom/${a.id}` },
  };
}
