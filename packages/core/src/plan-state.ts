import { ACTIVE_PLAN_STATUSES, type PlanStatus } from './domain.js';

/**
 * The plan state machine as one table: each event a plan can go through, the statuses it may
 * happen in and the status it leads to. Every change of `masterplans.status` is one of these
 * (`transitionPlan` in @mge/db turns an event into the conditional update
 * `WHERE status IN (from)`, so a re-delivered job finds the plan moved on and does nothing).
 */
export const PLAN_TRANSITIONS = {
  /** The planner stored a MasterPlan: it waits for review and approval like any queued plan. */
  planned: { from: ['planning'], to: 'queued' },
  /** The planner gave up (attempts spent, a refusal, an unrepaired plan): the reason is stored. */
  planFailed: { from: ['planning'], to: 'failed' },
  /** A queued plan starts in V2 mode (`POST /api/v1/masterplan/execute`). */
  start: { from: ['queued'], to: 'atomizing' },
  /**
   * A queued plan with drafts to make starts with them: undrafted tasks (V2) and planned tests
   * without code (either mode, the test designer).
   */
  startDrafting: { from: ['queued'], to: 'drafting' },
  /** The last undrafted task is drafted: every task goes to atomization. */
  drafted: { from: ['drafting'], to: 'atomizing' },
  /** MVP: the last planned test is designed; the tasks are generated whole. */
  designedMvp: { from: ['drafting'], to: 'generating' },
  /** A queued plan starts in MVP mode: its tasks are generated whole. */
  startMvp: { from: ['queued'], to: 'generating' },
  /** The last task is atomized. */
  atomized: { from: ['atomizing'], to: 'graphing' },
  /** The dependency graph is stored and the first atoms are released. */
  graphed: { from: ['graphing'], to: 'generating' },
  /** Every atom (or MVP task) is generated. */
  generated: { from: ['generating'], to: 'validating' },
  /** Generation settled with atoms that failed every attempt (and their blocked dependents). */
  stuck: { from: ['generating'], to: 'needs_review' },
  /** L2-L4 passed. */
  validated: { from: ['validating'], to: 'completed' },
  /** L2-L4 failed beyond repair (no atom to blame; MVP plans are not repaired). */
  invalid: { from: ['validating'], to: 'failed' },
  /** L2-L4 failed and the blamed atoms have attempts left: a new generation round. */
  repair: { from: ['validating'], to: 'generating' },
  /** L2-L4 failed and some blamed atom is out of attempts. */
  escalate: { from: ['validating'], to: 'needs_review' },
  /** A reviewer's action put atoms back in the schedule (a second action may find it generating). */
  reviewed: { from: ['needs_review', 'generating'], to: 'generating' },
  /** By request, or because the next LLM call could cross the budget. */
  pause: { from: ['generating', 'drafting'], to: 'paused' },
  resume: { from: ['paused'], to: 'generating' },
  /** A plan paused while drafting (some task still undrafted) resumes drafting. */
  resumeDrafting: { from: ['paused'], to: 'drafting' },
  cancel: { from: [...ACTIVE_PLAN_STATUSES, 'paused', 'planning'], to: 'cancelled' },
  /** A stage failed for good (bad input, a job out of retries, validation failed beyond repair). */
  fail: { from: ACTIVE_PLAN_STATUSES, to: 'failed' },
  /** MVP: `POST /api/v1/task/:id/retry` reopens a failed plan for one more attempt of a task. */
  retryTask: { from: ['failed'], to: 'generating' },
} as const satisfies Record<string, { from: readonly PlanStatus[]; to: PlanStatus }>;

export type PlanTransition = keyof typeof PLAN_TRANSITIONS;

/** The statuses `event` may happen in. */
export function transitionSources(event: PlanTransition): readonly PlanStatus[] {
  return PLAN_TRANSITIONS[event].from;
}

/** Where `event` leads from `status`, or undefined when it cannot happen there. */
export function nextStatus(status: PlanStatus, event: PlanTransition): PlanStatus | undefined {
  const { from, to } = PLAN_TRANSITIONS[event];
  return (from as readonly PlanStatus[]).includes(status) ? to : undefined;
}

/** Whether some event moves a plan from `from` to `to`. */
export function canTransition(from: PlanStatus, to: PlanStatus): boolean {
  return Object.values(PLAN_TRANSITIONS).some(
    (t) => t.to === to && (t.from as readonly PlanStatus[]).includes(from),
  );
}
