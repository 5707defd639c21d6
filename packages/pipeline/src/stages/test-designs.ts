import {
  appendHistory,
  findPlan,
  findPlanVersion,
  listTestDesignEvents,
  removeTest,
  TEST_DESIGN_EVENTS,
  type Db,
} from '@mge/db';
import { masterPlanSchema, type MasterPlan } from '@mge/planner';
import type { EnqueueRequest } from '@mge/queue';

/*
 * Which planned test files the test designer (design-test.ts) still owes a plan, from Postgres:
 * read by drafting, by the reconciler and by review (a test sent back to be designed again).
 */

/** A planned test file without code, as the latest MasterPlan version states it. */
export interface TestDesign {
  planId: string;
  file: string;
  /** The ids of the tasks it covers. */
  covers: string[];
  /** The attempt due: one more than the attempts rejected so far. */
  attempt: number;
  /** The plan as planned (tasks with their provided symbols; no drafted code is read from it). */
  planned: MasterPlan;
}

async function plannedPlan(db: Db, planId: string): Promise<MasterPlan | undefined> {
  const parsed = masterPlanSchema.safeParse((await findPlanVersion(db, planId))?.snapshot);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The planned test files still to design: without code in the plan, not yet among the plan's
 * input tests (designed), and not given up on.
 */
export async function pendingTestDesigns(db: Db, planId: string): Promise<TestDesign[]> {
  const [planned, plan, events] = await Promise.all([
    plannedPlan(db, planId),
    findPlan(db, planId),
    listTestDesignEvents(db, planId),
  ]);
  if (!planned || !plan) return [];
  const done = new Set([
    ...plan.input.tests.map((t) => t.file),
    ...events.filter((e) => e.event === TEST_DESIGN_EVENTS.failed).map((e) => fileOf(e.data)),
  ]);
  const rejected = (file: string) =>
    events.filter((e) => e.event === TEST_DESIGN_EVENTS.rejected && fileOf(e.data) === file).length;
  return planned.tests
    .filter((t) => !t.code && !done.has(t.file))
    .map((t) => ({
      planId,
      file: t.file,
      covers: t.covers,
      attempt: rejected(t.file) + 1,
      planned,
    }));
}

/** How many planned test files without code a plan has: the test designer's share of drafting. */
export async function testDesignCount(db: Db, planId: string): Promise<number> {
  const planned = await plannedPlan(db, planId);
  return planned?.tests.filter((t) => !t.code).length ?? 0;
}

const fileOf = (data: unknown) => (data as { file?: string } | null)?.file;

export const designJob = (planId: string, design: TestDesign, again = false): EnqueueRequest => ({
  queue: 'draft',
  payload: { planId, test: design.file, attempt: design.attempt },
  ...(again ? { again: true } : {}),
});

/**
 * A reviewer sends a designed test back (it failed on code they approved): its file leaves the
 * plan's tests and the design is recorded as rejected with the reviewer's note as the feedback of
 * the next attempt (the note only: the failure output would show the designer the code's
 * behaviour). False when the file is not one the test designer wrote (nothing changed then but
 * in the caller's transaction, which should roll back).
 */
export async function redesignTest(
  tx: Db,
  planId: string,
  file: string,
  note: string | undefined,
): Promise<boolean> {
  if (!(await removeTest(tx, planId, file))) return false;
  const due = (await pendingTestDesigns(tx, planId)).find((d) => d.file === file);
  if (!due) return false;
  const error = `a reviewer sent it back: it failed on code they approved${note ? `. Their note: ${note}` : ''}`;
  await appendHistory(tx, planId, TEST_DESIGN_EVENTS.rejected, {
    file,
    attempt: due.attempt,
    error,
  });
  return true;
}
