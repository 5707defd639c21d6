import type { Diagnostic } from '@mge/core';
import {
  failForReview,
  startRepairRound,
  transitionPlan,
  type AtomicUnit,
  type AtomVerdict,
  type Masterplan,
} from '@mge/db';
import { enqueueMany, type JobContext } from '@mge/queue';
import type { HierarchyResult } from '@mge/validation';
import { atomEvents, planEvent, publishProgress } from '../progress.js';
import type { Resources } from '../resources.js';

/** What happened to a plan whose L2-L4 validation failed. */
export type RepairOutcome = 'repairing' | 'needs_review' | 'failed' | 'stale';

const summary = (d: Diagnostic | undefined) =>
  d ? `${d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : ''}${d.message}`.slice(0, 500) : '';

/**
 * Targeted repair: only the atoms the failing level's diagnostics point at are regenerated, with
 * those diagnostics as feedback, if every one of them has attempts left (the plan goes back to
 * `generating` for a new validation round). An atom out of attempts goes to human review and the
 * plan to `needs_review`. Failures no atom's lines contain cannot be repaired: the plan fails.
 */
export async function repairOrEscalate(
  r: Resources,
  plan: Masterplan,
  atoms: readonly AtomicUnit[],
  outcome: HierarchyResult,
  { logger, outputDir }: Pick<JobContext, 'logger'> & { outputDir: string },
): Promise<RepairOutcome> {
  const level = outcome.failedLevel!;
  const byId = new Map(atoms.map((a) => [a.id, a]));
  const verdicts: AtomVerdict[] = [...outcome.byAtom]
    .filter(([atomId]) => byId.has(atomId))
    .map(([atomId, diagnostics]) => ({
      atomId,
      attempt: byId.get(atomId)!.attempt,
      level,
      diagnostics,
    }));
  if (verdicts.length === 0) {
    const error = `${level} validation failed and no atom could be blamed: ${summary(outcome.unmapped[0])}`;
    const moved = await transitionPlan(r.db, plan.id, ['validating'], 'failed', {
      outputDir,
      error,
    });
    if (moved) await publishProgress(r, plan.id, [planEvent('failed', error)]);
    return moved ? 'failed' : 'stale';
  }
  const exhausted = verdicts.filter((v) => v.attempt >= r.config.maxAttempts);
  if (exhausted.length > 0) {
    const error = `${exhausted.length} atom(s) still fail ${level} validation after ${r.config.maxAttempts} attempts; see the review queue`;
    const moved = await r.db.transaction(async (tx) => {
      const ok = await transitionPlan(tx, plan.id, ['validating'], 'needs_review', {
        outputDir,
        error,
      });
      if (ok)
        await failForReview(
          tx,
          plan.id,
          exhausted.map((v) => ({
            ...v,
            reason: `failed ${level} validation after ${v.attempt} attempt(s): ${summary(v.diagnostics[0])}`,
          })),
        );
      return ok;
    });
    if (!moved) return 'stale';
    await publishProgress(r, plan.id, [
      ...exhausted.flatMap((v) => atomEvents([v.atomId], 'failed', v.attempt)),
      planEvent('needs_review', error),
    ]);
    return 'needs_review';
  }
  const round = await r.db.transaction((tx) => startRepairRound(tx, plan.id, verdicts));
  if (round === undefined) return 'stale';
  logger.info(
    { level, round, atoms: verdicts.map((v) => v.atomId) },
    'targeted repair: regenerating atoms',
  );
  await publishProgress(r, plan.id, [
    planEvent('generating'),
    ...verdicts.flatMap((v) => atomEvents([v.atomId], 'ready', v.attempt)),
  ]);
  await enqueueMany(
    r.queues,
    'generate',
    verdicts.map((v) => ({ planId: plan.id, atomId: v.atomId, attempt: v.attempt + 1 })),
  );
  return 'repairing';
}
