import { ConflictError, InvalidInputError, NotFoundError, type Diagnostic } from '@mge/core';
import {
  acceptReviewedAtom,
  findAtomUnderReview,
  listAtoms,
  listTasks,
  loadPlanGraphState,
  releaseCurrentWave,
  reopenInWaves,
  reopenPlanAfterReview,
  requeueReviewedAtom,
  resolveReview,
  unblockAtoms,
  type AtomicUnit,
  type Db,
  type Masterplan,
  type ReviewResolution,
} from '@mge/db';
import { enqueueMany, type PlanEvent } from '@mge/queue';
import { validateAtom, validateModule } from '@mge/validation';
import { atomEvents, planEvent, publishProgress } from './progress.js';
import type { Resources } from './resources.js';
import { atomsToUnblock } from './review-unblock.js';
import { planSources } from './stages/plan-sources.js';
import { finishGeneration } from './stages/settle-atom.js';
import { spliceContext } from './stages/splice-context.js';

/** What a reviewer asks for one atom of the human review queue. */
export type ReviewAction =
  | { action: 'approve'; note?: string | undefined }
  | { action: 'edit'; code: string; note?: string | undefined }
  | { action: 'regenerate'; note?: string | undefined }
  | { action: 'reject'; note?: string | undefined };

export interface ReviewOutcome {
  atomId: string;
  planId: string;
  status: ReviewResolution;
  /** Atoms that left `blocked` (or the regenerated atom) and are back in the schedule. */
  reopened: string[];
  /** The plan's status after the review. */
  planStatus: string;
}

const RESOLUTION: Record<ReviewAction['action'], ReviewResolution> = {
  approve: 'approved',
  edit: 'edited',
  regenerate: 'regenerating',
  reject: 'rejected',
};

/**
 * Resolves the open review of an atom. approve / edit accept the atom (edit after L1 and L2 pass
 * on the human's code) and put its blocked dependents back in the schedule; regenerate sends the
 * atom back to generation for one attempt beyond the budget (the note goes into its prompt);
 * reject leaves it failed. Every action is recorded with `reviewer` and the time.
 */
export async function reviewAtom(
  r: Resources,
  who: { tenantId: string; reviewer: string },
  atomId: string,
  request: ReviewAction,
): Promise<ReviewOutcome> {
  const found = await findAtomUnderReview(r.db, atomId, who.tenantId);
  if (!found) throw new NotFoundError('atom', atomId);
  const { atom, plan, review } = found;
  if (!review) throw new ConflictError(`atom ${atomId} has no open review`);
  const status = RESOLUTION[request.action];
  const needsFailed = request.action === 'edit' || request.action === 'regenerate';
  if (needsFailed && atom.status !== 'failed')
    throw new ConflictError(
      `atom ${atomId} is ${atom.status}; only a failed atom can be edited or regenerated (its review is advisory: approve or reject it)`,
    );
  const code = request.action === 'edit' ? request.code : (atom.code ?? atom.draftCode);
  if (request.action === 'edit') await checkEdit(r.db, plan, atom, code);

  const resolution = { status, note: request.note, resolvedBy: who.reviewer, at: r.clock() };
  const changed = await r.db.transaction(async (tx) => {
    if (!(await resolveReview(tx, review.id, resolution)))
      throw new ConflictError(`the review of atom ${atomId} was resolved concurrently`);
    if (request.action === 'reject' || atom.status !== 'failed') return undefined;
    const moved =
      request.action === 'regenerate'
        ? await requeueReviewedAtom(tx, atom.id)
        : await acceptReviewedAtom(tx, atom.id, code);
    if (!moved) throw new ConflictError(`atom ${atomId} changed while it was being reviewed`);
    return reschedule(tx, plan, request.action === 'regenerate' ? atom.id : undefined);
  });

  if (changed) {
    const regenerated = request.action === 'regenerate' ? [atom.id] : [];
    await publishProgress(r, plan.id, reviewEvents(atom, regenerated.length > 0, changed));
    await enqueueMany(
      r.queues,
      'generate',
      changed.ready.map((id) => ({
        planId: plan.id,
        atomId: id,
        attempt: regenerated.includes(id) ? atom.attempt + 1 : 1,
      })),
    );
    if (changed.remaining === 0) await finishGeneration(r, plan.id);
  }
  r.logger.info({ planId: plan.id, atomId, action: request.action }, 'review resolved');
  const after = await findAtomUnderReview(r.db, atomId, who.tenantId);
  return {
    atomId,
    planId: plan.id,
    status,
    reopened: changed?.reopened ?? [],
    planStatus: after?.plan.status ?? plan.status,
  };
}

/**
 * What a rescheduling review changed: the reviewed atom (validated, or ready to regenerate), the
 * plan back to generating, unblocked atoms (pending, or ready) and atoms a wave release readied.
 */
function reviewEvents(
  atom: AtomicUnit,
  regenerate: boolean,
  { ready, reopened }: { ready: string[]; reopened: string[] },
): PlanEvent[] {
  const unblocked = reopened.filter((id) => id !== atom.id);
  return [
    ...atomEvents([atom.id], regenerate ? 'ready' : 'validated', atom.attempt),
    planEvent('generating'),
    ...atomEvents(
      unblocked.filter((id) => !ready.includes(id)),
      'pending',
    ),
    ...atomEvents(
      ready.filter((id) => id !== atom.id),
      'ready',
    ),
  ];
}

/** L1 on the atom in its file, then L2 on the file with the human's code; 400 with the diagnostics. */
async function checkEdit(db: Db, plan: Masterplan, atom: AtomicUnit, code: string): Promise<void> {
  const context = await spliceContext(db, atom);
  const l1 = validateAtom({ file: atom.file, ...context, candidate: code });
  if (l1.length > 0) throw rejected('L1 (atom)', l1);
  const [tasks, atoms] = await Promise.all([listTasks(db, plan.id), listAtoms(db, plan.id)]);
  const sources = planSources(
    plan,
    tasks,
    atoms.map((a) => (a.id === atom.id ? { ...a, code } : a)),
  );
  const file = sources.files.find((f) => f.path === atom.file);
  if (!file) return;
  const l2 = validateModule(file.path, file.atoms, {
    planFiles: sources.files.map((f) => f.path),
    packages: sources.packages ?? [],
    ...(file.draft !== undefined ? { draft: file.draft } : {}),
  });
  if (l2.length > 0) throw rejected('L2 (module)', l2);
}

function rejected(level: string, diagnostics: Diagnostic[]): InvalidInputError {
  return new InvalidInputError(
    `the edited code fails ${level} validation: ${diagnostics[0]?.message ?? ''}`,
    { diagnostics },
  );
}

/**
 * In the review's transaction: blocked atoms with no failed prerequisite left go back to pending
 * (ready when none is open), the plan goes back to generating with them (and a regenerated atom)
 * counted in `atomsRemaining`.
 */
async function reschedule(
  tx: Db,
  plan: Masterplan,
  regenerated: string | undefined,
): Promise<{ ready: string[]; reopened: string[]; remaining: number }> {
  const { atoms, edges } = await loadPlanGraphState(tx, plan.id);
  const unblock = atomsToUnblock(atoms, edges);
  const reopened = [...(regenerated ? [regenerated] : []), ...unblock.map((a) => a.id)];
  let ready = await unblockAtoms(tx, unblock, plan.scheduling);
  if (plan.scheduling === 'waves') {
    await reopenInWaves(tx, plan.id, reopened);
    ready = await releaseCurrentWave(tx, plan.id);
  }
  // The regenerated atom is already `ready`: neither release step returns it.
  if (regenerated) ready = [regenerated, ...ready];
  const remaining = await reopenPlanAfterReview(tx, plan.id, reopened.length);
  if (remaining === undefined)
    throw new ConflictError(`plan ${plan.id} is ${plan.status}; it is not waiting for review`);
  return { ready, reopened, remaining };
}
