import { listDraftable, listDraftsInFlight, type Db } from '@mge/db';
import type { JobContext, Payload } from '@mge/queue';
import { effects, type Effects } from '../runtime/effects.js';
import type { Resources } from '../runtime/resources.js';
import { testDesign } from './design-test.js';
import { designJob, pendingTestDesigns } from './test-designs.js';
import { draftJob, taskDrafting } from './draft-task.js';
import { runGeneration } from './generation-engine.js';

/*
 * The drafting phase's queue (`draft`) serves two adapters of the generation engine: task drafts
 * (draft-task.ts) and test designs (design-test.ts). This module dispatches between them and says
 * what a drafting plan waits for; the adapters do not import each other.
 */

/** draft(task, attempt) on the generation engine; with `test`, the test designer's attempt. */
export function draftTask(
  r: Resources,
  { planId, taskId, test, attempt }: Payload<'draft'>,
  context: JobContext,
): Promise<Effects | undefined> {
  return test !== undefined
    ? runGeneration(testDesign, r, { planId, id: test, attempt }, context)
    : runGeneration(taskDrafting, r, { planId, id: taskId!, attempt }, context);
}

/**
 * What a drafting plan waits for, from Postgres alone: the attempt in flight of each task being
 * drafted and the next attempt of each task whose dependencies are drafted (deterministic job ids;
 * `again` re-adds a job that finished without settling its attempt, e.g. cut off by a crash).
 */
export async function requeueDrafting(db: Db, planId: string): Promise<Effects> {
  const [inFlight, ready, designs] = await Promise.all([
    listDraftsInFlight(db, planId),
    listDraftable(db, planId),
    pendingTestDesigns(db, planId),
  ]);
  return effects(planId, {
    jobs: [
      ...[...inFlight, ...ready].map((t) => draftJob(planId, t, true)),
      ...designs.map((d) => designJob(planId, d, true)),
    ],
  });
}
