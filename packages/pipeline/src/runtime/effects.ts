import type { EnqueueRequest, PlanEvent } from '@mge/queue';

/**
 * What a stage's transaction decided should happen once it commits: progress events to publish,
 * jobs to enqueue, and whether it settled the last open unit of the plan's generation (then the
 * plan moves on: validation, review or failure). Stages return it; `applyEffects` does it, in the
 * one right order.
 */
export interface Effects {
  planId: string;
  events: PlanEvent[];
  jobs: EnqueueRequest[];
  /** The plan's last atom (or MVP task) settled: finish generation after the jobs are enqueued. */
  finished?: boolean;
}

/** Effects of one plan, in order; the result finishes when any part does. */
export function effects(planId: string, ...parts: Partial<Omit<Effects, 'planId'>>[]): Effects {
  return {
    planId,
    events: parts.flatMap((p) => p.events ?? []),
    jobs: parts.flatMap((p) => p.jobs ?? []),
    ...(parts.some((p) => p.finished === true) ? { finished: true } : {}),
  };
}

/** Generate jobs (first attempt unless given) for atoms of a plan. */
export function generateJobs(
  planId: string,
  atomIds: readonly string[],
  attemptOf: (atomId: string) => number = () => 1,
): EnqueueRequest[] {
  return atomIds.map((atomId) => ({
    queue: 'generate',
    payload: { planId, atomId, attempt: attemptOf(atomId) },
  }));
}
