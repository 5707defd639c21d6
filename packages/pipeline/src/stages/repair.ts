import type { Diagnostic } from '@mge/core';
import {
  failForReview,
  listApprovedAtoms,
  openTestReview,
  startRepairRound,
  transitionPlan,
  type AtomicUnit,
  type AtomVerdict,
  type Masterplan,
} from '@mge/db';
import type { JobContext } from '@mge/queue';
import type { HierarchyResult } from '@mge/validation';
import { effects, generateJobs, type Effects } from '../runtime/effects.js';
import { atomEvents, planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';

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
): Promise<{ result: RepairOutcome; effects?: Effects }> {
  const level = outcome.failedLevel!;
  const byId = new Map(atoms.map((a) => [a.id, a]));
  // Code a reviewer approved is not blamed again by a test: the test itself goes to review.
  const approved = level === 'system' ? await listApprovedAtoms(r.db, plan.id) : new Set<string>();
  const blamed = [...outcome.byAtom].filter(([atomId]) => byId.has(atomId));
  const verdicts: AtomVerdict[] = blamed
    .filter(([atomId]) => !approved.has(atomId))
    .map(([atomId, diagnostics]) => ({
      atomId,
      attempt: byId.get(atomId)!.attempt,
      level,
      diagnostics,
    }));
  const onApproved = blamed.filter(([atomId]) => approved.has(atomId));
  if (verdicts.length === 0 && onApproved.length > 0)
    return reviewTests(r, plan, byId, onApproved, outputDir);
  if (verdicts.length === 0) {
    const error = `${level} validation failed and no atom could be blamed: ${summary(outcome.unmapped[0])}`;
    const moved = await transitionPlan(r.db, plan.id, 'invalid', { outputDir, error });
    if (!moved) return { result: 'stale' };
    return {
      result: 'failed',
      effects: effects(plan.id, { events: [planEvent('failed', error)] }),
    };
  }
  const exhausted = verdicts.filter((v) => v.attempt >= r.config.maxAttempts);
  if (exhausted.length > 0) {
    const error = `${exhausted.length} atom(s) still fail ${level} validation after ${r.config.maxAttempts} attempts; see the review queue`;
    const moved = await r.db.transaction(async (tx) => {
      const ok = await transitionPlan(tx, plan.id, 'escalate', {
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
    if (!moved) return { result: 'stale' };
    return {
      result: 'needs_review',
      effects: effects(plan.id, {
        events: [
          ...exhausted.flatMap((v) => atomEvents([v.atomId], 'failed', v.attempt)),
          planEvent('needs_review', error),
        ],
      }),
    };
  }
  const round = await r.db.transaction((tx) => startRepairRound(tx, plan.id, verdicts));
  if (round === undefined) return { result: 'stale' };
  logger.info(
    { level, round, atoms: verdicts.map((v) => v.atomId) },
    'targeted repair: regenerating atoms',
  );
  const attempts = new Map(verdicts.map((v) => [v.atomId, v.attempt]));
  return {
    result: 'repairing',
    effects: effects(plan.id, {
      events: [
        planEvent('generating'),
        ...verdicts.flatMap((v) => atomEvents([v.atomId], 'ready', v.attempt)),
      ],
      jobs: generateJobs(plan.id, [...attempts.keys()], (id) => attempts.get(id)! + 1),
    }),
  };
}

/**
 * Every atom an L4 failure blames was approved by a reviewer: each failing test goes to the review
 * queue instead (the reason holds its failure output), and the plan waits for review. Resolving
 * the last one re-runs validation (commands/review.ts `reviewTest`).
 */
async function reviewTests(
  r: Resources,
  plan: Masterplan,
  byId: ReadonlyMap<string, AtomicUnit>,
  onApproved: readonly [string, Diagnostic[]][],
  outputDir: string,
): Promise<{ result: RepairOutcome; effects?: Effects }> {
  const byTest = new Map<string, { atoms: Set<string>; failures: Set<string> }>();
  for (const [atomId, diagnostics] of onApproved)
    for (const d of diagnostics) {
      const test = d.test ?? d.file ?? 'tests';
      const entry = byTest.get(test) ?? { atoms: new Set(), failures: new Set() };
      const atom = byId.get(atomId)!;
      entry.atoms.add(`${atom.file} ${atom.name}`);
      entry.failures.add(d.message);
      byTest.set(test, entry);
    }
  const error = `${byTest.size} test(s) fail on code a reviewer approved; see the review queue`;
  const moved = await r.db.transaction(async (tx) => {
    const ok = await transitionPlan(tx, plan.id, 'escalate', { outputDir, error });
    if (ok)
      for (const [test, { atoms, failures }] of byTest)
        await openTestReview(
          tx,
          plan.id,
          test,
          `${TEST_REVIEW_REASON} (${[...atoms].join(', ')}):\n${[...failures].join('\n')}`.slice(
            0,
            4000,
          ),
        );
    return ok;
  });
  if (!moved) return { result: 'stale' };
  return {
    result: 'needs_review',
    effects: effects(plan.id, { events: [planEvent('needs_review', error)] }),
  };
}

/** How a test's review reason starts. */
export const TEST_REVIEW_REASON = 'the test fails on code a reviewer approved';
