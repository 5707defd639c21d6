import {
  addDesignedTest,
  appendHistory,
  decrementAtomsRemaining,
  listTestDesignEvents,
  lockPlan,
  recordValidation,
  TEST_DESIGN_EVENTS,
  type Db,
  type Masterplan,
} from '@mge/db';
import { buildTestDesignPrompt } from '@mge/llm';
import { validateDraft } from '@mge/validation';
import { effects, type Effects } from '../runtime/effects.js';
import { feedbackText } from './attempt-decision.js';
import { discoveryOf, draftSettled } from './draft-task.js';
import type { GenerationAdapter } from './generation-engine.js';
import { pendingTestDesigns, type TestDesign } from './test-designs.js';

/**
 * The test designer on the generation engine (the planner role, in the drafting phase): each
 * planned test file without code is written by the model from the acceptance criteria of the
 * requirements its tasks cover and the symbols those tasks provide, as planned. Its prompt never
 * holds a drafted file: designs are enqueued when drafting starts, beside the first task drafts,
 * so code is never graded by tests written to fit it. The answer is checked at L1 (not empty,
 * parses, no forbidden construct) and retried with the diagnostics as feedback up to
 * `MGE_PLANNER_ATTEMPTS`. An accepted file joins the plan's tests (run at L4 like hand-written
 * ones); a test that cannot be designed is left out with the reason in the plan's history. Each
 * counts toward the drafts the plan waits for before atomizing.
 *
 * Attempts are keyed by the job (`design:<planId>/<file>:<attempt>`); settling is conditional on
 * the plan row (locked), so a re-run of a settled attempt changes nothing.
 */
export const testDesign: GenerationAdapter<TestDesign> = {
  // Drafting; and generating for a test a reviewer sent back to be designed again (review.ts).
  planStatus: ['drafting', 'generating'],
  batchable: (config) => config.llm.batch?.drafts === true,
  job: ({ planId, id, attempt }) => ({ queue: 'draft', payload: { planId, test: id, attempt } }),
  cacheScope: (plan) => `design:${plan.id}`,
  async load(db, file, planId) {
    return (await pendingTestDesigns(db, planId)).find((d) => d.file === file);
  },
  subject: (design) => ({
    kind: 'test',
    id: design.file,
    file: design.file,
    draftCode: '',
    complexity: Number.POSITIVE_INFINITY,
  }),
  async prompt(r, plan, design, attempt) {
    const [discovery, events] = await Promise.all([
      discoveryOf(r.db, plan),
      attempt > 1 ? listTestDesignEvents(r.db, plan.id) : Promise.resolve([]),
    ]);
    const covered = design.planned.tasks.filter((t) => design.covers.includes(t.id));
    const requirementIds = new Set(covered.flatMap((t) => t.requirementIds));
    const rejected = events
      .filter((e) => e.event === TEST_DESIGN_EVENTS.rejected)
      .map((e) => e.data as { file?: string; attempt?: number; error?: string })
      .find((d) => d.file === design.file && d.attempt === attempt - 1);
    return buildTestDesignPrompt({
      planName: plan.name,
      planDigest: plan.input.description ?? '',
      language: plan.language,
      file: design.file,
      covers: covered.map((t) => ({
        file: t.file,
        title: t.title,
        description: t.description,
        provides: t.provides.map((p) => p.symbol),
      })),
      requirements: discovery?.requirements.filter((q) => requirementIds.has(q.id)) ?? [],
      attempt,
      lastError: rejected?.error,
    });
  },
  // The attempt due, else already settled (the settlements below are conditional on it too).
  claim: (_db, design, attempt) => Promise.resolve(attempt === design.attempt ? design : undefined),
  running: () => [],
  checker: (_db, design) =>
    Promise.resolve((candidate: string) => validateDraft({ file: design.file, candidate })),
  maxAttempts: (config) => config.planner.attempts,
  accept: (db, plan, design, _attempt, code, validation) =>
    db.transaction(async (tx) => {
      await lockPlan(tx, plan.id);
      await recordValidation(tx, [validation]);
      if (!(await addDesignedTest(tx, plan.id, design.file, code))) return undefined;
      await appendHistory(tx, plan.id, 'test-design:accepted', { file: design.file });
      return designSettled(tx, plan);
    }),
  async retry(tx, plan, design, attempt, { diagnostics }) {
    await lockPlan(tx, plan.id);
    if (!(await stillPending(tx, plan.id, design.file, attempt))) return undefined;
    const error = feedbackText(diagnostics);
    await appendHistory(tx, plan.id, TEST_DESIGN_EVENTS.rejected, {
      file: design.file,
      attempt,
      error,
    });
    return effects(plan.id, {
      jobs: [
        { queue: 'draft', payload: { planId: plan.id, test: design.file, attempt: attempt + 1 } },
      ],
    });
  },
  async fail(tx, plan, design, attempt, { diagnostics }) {
    await lockPlan(tx, plan.id);
    if (!(await stillPending(tx, plan.id, design.file, attempt))) return undefined;
    const reason = `test "${design.file}" could not be designed in ${attempt} attempts: ${diagnostics[0]?.message ?? ''}`;
    // Left out of execution, with the reason in the plan's history (the plan goes on).
    await appendHistory(tx, plan.id, TEST_DESIGN_EVENTS.failed, { file: design.file, reason });
    return designSettled(tx, plan);
  },
};

/**
 * A design settled: one draft less to wait for (drafting), or, for a redesign a reviewer asked
 * for, one thing less before the plan validates again (it counts among `atomsRemaining`).
 */
async function designSettled(tx: Db, plan: Masterplan): Promise<Effects> {
  if (plan.status === 'drafting') return draftSettled(tx, plan.id, []);
  const remaining = await decrementAtomsRemaining(tx, plan.id, 1);
  return effects(plan.id, { finished: remaining === 0 });
}

async function stillPending(
  tx: Db,
  planId: string,
  file: string,
  attempt: number,
): Promise<boolean> {
  return (await pendingTestDesigns(tx, planId)).some(
    (d) => d.file === file && d.attempt === attempt,
  );
}
