import { Router, type Response } from 'express';
import { z } from 'zod';
import { atomSummary, sharedAtomizerPool } from '@mge/atomizer';
import {
  findAtomForTenant,
  findTaskForTenant,
  listPlanAtomsForTenant,
  listTasks,
  findPlanForTenant,
  type AtomicUnit,
} from '@mge/db';
import { enqueueMany } from '@mge/queue';
import type { Resources } from '@mge/pipeline';
import { sendError } from '../http-errors.js';
import { nextCursor, pageQuery, parseOr400 } from '../request-parsing.js';

const idParam = (what: string) => z.object({ id: z.uuid({ error: `${what} id must be a UUID` }) });

/** The route's `:id`, or undefined after answering 400 when it is not a UUID. */
function idFrom(
  schema: ReturnType<typeof idParam>,
  params: unknown,
  res: Response,
): string | undefined {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data.id;
  sendError(res, 400, 'invalid_input', parsed.error.issues[0]!.message);
  return undefined;
}
export const taskIdParam = idParam('task');
export const planIdParam = idParam('plan');
export const atomIdParam = idParam('atom');

/**
 * Atomization API:
 * - POST /api/v2/atomize/task/:id and /atomize/plan/:id queue atomization of pending tasks (202);
 *   an already atomized task answers 409, since atoms are immutable once the graph is built.
 * - GET /api/v2/atoms/:planId lists a plan's atoms in file order, paginated by `?limit&cursor`;
 *   GET /api/v2/atom/:id shows one with its atomicity criteria and context.
 */
export function atomsRouter(r: Resources): Router {
  const router = Router();

  router.post('/atomize/task/:id', async (req, res) => {
    const id = idFrom(taskIdParam, req.params, res);
    if (id === undefined) return;
    const found = await findTaskForTenant(r.db, id, req.caller!.tenantId);
    if (!found) return sendError(res, 404, 'not_found', `task ${id} not found`);
    const { task, plan } = found;
    if (task.status !== 'pending')
      return conflict(res, `task "${task.key}" is already ${task.status}`, task.error);
    await enqueueMany(r.queues, 'atomize', [{ planId: plan.id, taskId: task.id }]);
    res.status(202).json({
      taskId: task.id,
      planId: plan.id,
      status: 'queued',
      links: { atoms: `/api/v2/atoms/${plan.id}` },
    });
  });

  router.post('/atomize/plan/:id', async (req, res) => {
    const id = idFrom(planIdParam, req.params, res);
    if (id === undefined) return;
    const plan = await findPlanForTenant(r.db, id, req.caller!.tenantId);
    if (!plan) return sendError(res, 404, 'not_found', `plan ${id} not found`);
    const pending = (await listTasks(r.db, plan.id)).filter((t) => t.status === 'pending');
    if (pending.length === 0)
      return conflict(res, `every task of plan ${plan.id} is already atomized or failed`);
    // Deterministic job ids make this idempotent with the jobs the plan submission enqueued.
    await enqueueMany(
      r.queues,
      'atomize',
      pending.map((t) => ({ planId: plan.id, taskId: t.id })),
    );
    res.status(202).json({
      planId: plan.id,
      queued: pending.map((t) => t.id),
      links: { atoms: `/api/v2/atoms/${plan.id}` },
    });
  });

  router.get('/atoms/:id', async (req, res) => {
    const id = idFrom(planIdParam, req.params, res);
    const page = id === undefined ? undefined : parseOr400(pageQuery, req.query, res);
    if (id === undefined || !page) return;
    const atoms = await listPlanAtomsForTenant(r.db, id, req.caller!.tenantId, {
      limit: page.limit,
      after: page.cursor,
    });
    if (!atoms) return sendError(res, 404, 'not_found', `plan ${id} not found`);
    res.json({
      planId: id,
      items: atoms.map(atomView),
      nextCursor: nextCursor(atoms, page.limit, (a) => a.id),
    });
  });

  router.get('/atom/:id', async (req, res) => {
    const id = idFrom(atomIdParam, req.params, res);
    if (id === undefined) return;
    const found = await findAtomForTenant(r.db, id, req.caller!.tenantId);
    if (!found) return sendError(res, 404, 'not_found', `atom ${id} not found`);
    const { atom, task } = found;
    // Criteria and context are derived data: atomization is deterministic, so they are recomputed
    // from the task's code instead of being stored; a mismatch (another atomizer version) shows none.
    const file = await sharedAtomizerPool().atomize(task.code, task.file);
    const draft = file.atoms[atom.ordinal];
    const matches = draft && draft.startByte === atom.startByte && draft.endByte === atom.endByte;
    res.json({
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
    });
  });

  return router;
}

function conflict(res: Response, message: string, detail?: string | null): void {
  sendError(
    res,
    409,
    'conflict',
    `${message}${detail ? ` (${detail})` : ''}; atoms are immutable once atomized, submit a new plan to change them`,
  );
}

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
