import { and, asc, count, eq, inArray, not, sql, type SQL } from 'drizzle-orm';
import type { PlanMode } from '@mge/core';
import type { Db } from '../client.js';
import {
  masterplanHistory,
  masterplans,
  masterplanTasks,
  type MasterplanTask,
} from '../schema/index.js';
import { transitionPlan } from './plans.js';

/**
 * Task drafting (a V2 plan's tasks without code): undrafted -> drafting (an attempt in flight) ->
 * pending with its code (ready to atomize) | undrafted again (another attempt is due) | failed.
 * Attempts are claimed and settled by `claimTaskAttempt` / `settleTaskAttempt` (kind `draft`).
 */

const NOT_DRAFTED: readonly MasterplanTask['status'][] = ['undrafted', 'drafting', 'failed'];

/**
 * The undrafted tasks of a plan whose dependencies are all drafted: the ones to draft now. Run it
 * after locking the plan row (`decrementTasksRemaining` in the settling transaction), so that two
 * prerequisites settled at once cannot both miss their common dependent.
 */
export async function listDraftable(db: Db, planId: string): Promise<MasterplanTask[]> {
  const tasks = await db
    .select()
    .from(masterplanTasks)
    .where(eq(masterplanTasks.masterplanId, planId));
  const drafted = new Set(tasks.filter((t) => !NOT_DRAFTED.includes(t.status)).map((t) => t.key));
  return tasks.filter(
    (t) => t.status === 'undrafted' && t.dependsOn.every((key) => drafted.has(key)),
  );
}

/** Tasks with a drafting attempt in flight (their job may have been lost with Redis). */
export function listDraftsInFlight(db: Db, planId: string): Promise<MasterplanTask[]> {
  return db
    .select()
    .from(masterplanTasks)
    .where(and(eq(masterplanTasks.masterplanId, planId), eq(masterplanTasks.status, 'drafting')));
}

/** Whether a plan still has tasks to draft (a paused plan resumes drafting, not generation). */
export async function hasUndraftedTasks(db: Db, planId: string): Promise<boolean> {
  const [row] = await db
    .select({ n: count() })
    .from(masterplanTasks)
    .where(
      and(
        eq(masterplanTasks.masterplanId, planId),
        inArray(masterplanTasks.status, ['undrafted', 'drafting']),
      ),
    );
  return (row?.n ?? 0) > 0;
}

/**
 * Leaves the drafting phase once the last draft settled: V2 goes to atomizing, MVP (which only
 * had tests to design) to generating; `tasksRemaining` becomes the number of tasks that stage
 * counts down (all of them). Returns the plan's mode and tasks, or undefined when the plan had
 * moved on (a re-run).
 */
export async function finishDrafting(
  db: Db,
  planId: string,
): Promise<{ mode: PlanMode; tasks: MasterplanTask[] } | undefined> {
  const [plan] = await db
    .select({ mode: masterplans.mode })
    .from(masterplans)
    .where(eq(masterplans.id, planId));
  const tasks = await db
    .select()
    .from(masterplanTasks)
    .where(eq(masterplanTasks.masterplanId, planId));
  if (!plan) return undefined;
  const event = plan.mode === 'mvp' ? 'designedMvp' : 'drafted';
  if (!(await transitionPlan(db, planId, event, { tasksRemaining: tasks.length })))
    return undefined;
  return { mode: plan.mode, tasks };
}

/** Whether the plan's input has a test of `file`. */
const hasTest = (file: string) =>
  sql`exists (select 1 from jsonb_array_elements(coalesce(${masterplans.input}->'tests', '[]'::jsonb)) t where t->>'file' = ${file}::text)`;

/** The plan's `input.tests` set to `tests` (SQL over the current ones) if `condition` holds. */
async function setInputTests(db: Db, planId: string, tests: SQL, condition: SQL): Promise<boolean> {
  const rows = await db
    .update(masterplans)
    .set({ input: sql`jsonb_set(${masterplans.input}, '{tests}', ${tests})` })
    .where(and(eq(masterplans.id, planId), condition))
    .returning({ id: masterplans.id });
  return rows.length > 0;
}

/** The plan's input tests as rows `t` in order `n`. */
const inputTests = sql`jsonb_array_elements(coalesce(${masterplans.input}->'tests', '[]'::jsonb)) with ordinality as e(t, n)`;

/**
 * Test design (a planned test file without code, drafted by the test designer): its accepted
 * file joins the plan's input tests (run at L4 like hand-written ones), only if no test of that
 * file is there yet. False when it already is (a re-run settled it).
 */
export function addDesignedTest(
  db: Db,
  planId: string,
  file: string,
  code: string,
): Promise<boolean> {
  return setInputTests(
    db,
    planId,
    sql`coalesce(${masterplans.input}->'tests', '[]'::jsonb) || jsonb_build_array(jsonb_build_object('file', ${file}::text, 'code', ${code}::text))`,
    not(hasTest(file)),
  );
}

/**
 * A reviewer's edit of one of the plan's input tests: its code replaced in place. False when the
 * plan has no test of that file.
 */
export function replaceTestCode(
  db: Db,
  planId: string,
  file: string,
  code: string,
): Promise<boolean> {
  return setInputTests(
    db,
    planId,
    sql`(select jsonb_agg(case when t->>'file' = ${file}::text then jsonb_set(t, '{code}', to_jsonb(${code}::text)) else t end order by n) from ${inputTests})`,
    hasTest(file),
  );
}

/** Takes a test file out of the plan's input tests (to be designed again); false when absent. */
export function removeTest(db: Db, planId: string, file: string): Promise<boolean> {
  return setInputTests(
    db,
    planId,
    sql`coalesce((select jsonb_agg(t order by n) from ${inputTests} where t->>'file' <> ${file}::text), '[]'::jsonb)`,
    hasTest(file),
  );
}

export const TEST_DESIGN_EVENTS = {
  rejected: 'test-design:rejected',
  failed: 'test-design:failed',
} as const;

/** A test design's rejected attempts and its giving up, oldest first (plan history). */
export function listTestDesignEvents(
  db: Db,
  planId: string,
): Promise<{ event: string; data: unknown }[]> {
  return db
    .select({ event: masterplanHistory.event, data: masterplanHistory.data })
    .from(masterplanHistory)
    .where(
      and(
        eq(masterplanHistory.masterplanId, planId),
        inArray(masterplanHistory.event, Object.values(TEST_DESIGN_EVENTS)),
      ),
    )
    .orderBy(asc(masterplanHistory.createdAt));
}
