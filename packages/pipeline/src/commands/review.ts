import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  type Diagnostic,
  type ReviewAction,
} from '@mge/core';
import {
  acceptReviewedAtom,
  countOpenReviews,
  findAtomUnderReview,
  findOpenTestReview,
  findPlan,
  listAtoms,
  listTasks,
  loadPlanGraphState,
  lockPlan,
  releaseCurrentWave,
  reopenInWaves,
  reopenPlanAfterReview,
  replaceTestCode,
  requeueReviewedAtom,
  resolveReview,
  unblockAtoms,
  type AtomicUnit,
  type Db,
  type Masterplan,
  type ReviewResolution,
} from '@mge/db';
import type { PlanEvent } from '@mge/queue';
import { planFilePaths, validateAtom, validateDraft, validateModule } from '@mge/validation';
import { applyEffects } from '../runtime/apply-effects.js';
import { effects, generateJobs } from '../runtime/effects.js';
import { atomEvents, planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { atomsToUnblock } from './review-unblock.js';
import { designJob, pendingTestDesigns, redesignTest } from '../stages/test-designs.js';
import { planSources } from '../stages/plan-sources.js';
import { spliceContext } from '../stages/splice-context.js';

export type { ReviewAction };

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
    const regenerate = request.action === 'regenerate';
    await applyEffects(
      r,
      effects(plan.id, {
        events: reviewEvents(atom, regenerate, changed),
        jobs: generateJobs(plan.id, changed.ready, (id) =>
          regenerate && id === atom.id ? atom.attempt + 1 : 1,
        ),
        finished: changed.remaining === 0,
      }),
    );
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

export interface TestReviewOutcome {
  planId: string;
  testFile: string;
  status: ReviewResolution;
  /** The plan's status after the review (`validating` again once its last open review closed). */
  planStatus: string;
}

/**
 * Resolves the open review of one of a plan's test files (a test that failed at L4 on code a
 * reviewer approved, repair.ts). approve: the test is known-bad and L4 no longer runs it; edit:
 * the reviewer's code replaces it (after L1); regenerate: the test designer designs it again,
 * with the note as feedback (design-test.ts `redesignTest`); reject: the test stands and the plan
 * keeps waiting. Once the plan has no open review left, the others send it back through
 * validation (after the redesigns).
 */
export async function reviewTest(
  r: Resources,
  who: { tenantId: string; reviewer: string },
  planId: string,
  testFile: string,
  request: ReviewAction,
): Promise<TestReviewOutcome> {
  const plan = await findPlan(r.db, planId, who.tenantId);
  if (!plan) throw new NotFoundError('plan', planId);
  const review = await findOpenTestReview(r.db, plan.id, testFile);
  if (!review) throw new ConflictError(`test ${testFile} of plan ${planId} has no open review`);
  if (request.action === 'edit') {
    const l1 = validateDraft({ file: testFile, candidate: request.code });
    if (l1.length > 0) throw rejected('L1 (test)', l1);
  }
  const status = RESOLUTION[request.action];
  const resolution = { status, note: request.note, resolvedBy: who.reviewer, at: r.clock() };
  const reopened = await r.db.transaction(async (tx) => {
    // The plan row serialises its reviews: exactly one resolution finds no other review open.
    await lockPlan(tx, plan.id);
    if (!(await resolveReview(tx, review.id, resolution)))
      throw new ConflictError(`the review of test ${testFile} was resolved concurrently`);
    if (request.action === 'edit' && !(await replaceTestCode(tx, plan.id, testFile, request.code)))
      throw new ConflictError(`plan ${planId} has no test ${testFile}`);
    if (
      request.action === 'regenerate' &&
      !(await redesignTest(tx, plan.id, testFile, request.note))
    )
      throw new InvalidInputError(
        `test ${testFile} was not written by the test designer: approve, edit or reject it`,
      );
    if (request.action === 'reject' || (await countOpenReviews(tx, plan.id)) > 0) return undefined;
    // Tests sent back are designed again in the generation phase, which waits for them.
    const redesigns = await pendingTestDesigns(tx, plan.id);
    const left = await reopenPlanAfterReview(tx, plan.id, redesigns.length);
    if (left === undefined)
      throw new ConflictError(`plan ${planId} is ${plan.status}; it is not waiting for review`);
    return { left, redesigns };
  });
  if (reopened)
    await applyEffects(
      r,
      effects(plan.id, {
        events: [planEvent('generating')],
        jobs: reopened.redesigns.map((d) => designJob(plan.id, d)),
        finished: reopened.left === 0,
      }),
    );
  r.logger.info({ planId, testFile, action: request.action }, 'test review resolved');
  const after = await findPlan(r.db, plan.id);
  return { planId, testFile, status, planStatus: after?.status ?? plan.status };
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
    planFiles: planFilePaths(sources),
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
