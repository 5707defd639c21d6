import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import {
  claimTaskAttempt,
  findPlan,
  findPlanKeepingInput,
  listAtoms,
  listPlanUsage,
  listTasks,
  listValidation,
  setPlanBudget,
  startQueuedPlan,
} from '@mge/db';
import { reconcile } from '@mge/pipeline';
import {
  fakeAnthropicEnv,
  startFakeAnthropic,
  type FakeAnthropic,
  type Scripted,
} from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import { designed, designs, draft, drafts, testDesigns } from '@test/planner-answers';
import {
  analysedDiscovery,
  approveCodeReviews,
  approvedPlan,
  failingDesignedTest as failingPlan,
  queuedPlan as queued,
  type PlannerFlow,
} from '@test/planner-flow';

jest.setTimeout(120_000);

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * A planned V2 plan's tasks are drafted by the model (the planner role, on the generation engine),
 * then atomized, generated and validated by the rest of the fleet; every model answer comes from
 * the local Messages-API server, scripted (SCRIPTED answers, not a model's).
 */
describe('task drafting: requirements -> discovery -> MasterPlan -> approve (v2) -> drafted -> validated', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let flow: PlannerFlow;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fleet = await startTestFleet({
      ...fakeAnthropicEnv(fake),
      MGE_PLANNER_ATTEMPTS: '3',
      MGE_PLANNER_REPAIR_ROUNDS: '1',
      // Code failing a test is repaired once before it goes to review (keeps those tests short).
      MGE_MAX_ATTEMPTS: '2',
    });
    const discoveryId = await analysedDiscovery(fleet.app, auth, fake);
    flow = { app: fleet.app, headers: auth, db: fleet.resources.db, fake, discoveryId };
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  /* eslint-disable @typescript-eslint/no-unsafe-return */
  const post = (path: string, body: object) => request(fleet.app).post(path).set(auth).send(body);
  const get = (path: string) => request(fleet.app).get(path).set(auth);
  /** The task-drafting prompts since request `from` (test designs run beside them). */
  const draftPrompts = (from: number) =>
    fake.requests
      .slice(from)
      .map((q) => q.messages[0]!.content)
      .filter((p) => p.startsWith('File to draft: '));

  const queuedPlan = () => queued(flow);
  const approved = (planId: string, ...answers: Scripted[]) =>
    approvedPlan(flow, planId, ...answers);

  it('drafts each task after the tasks it consumes from, then atomizes, generates and validates the plan', async () => {
    const planId = await queuedPlan();
    const before = fake.requests.length;
    const started = await approved(
      planId,
      draft(drafts.ids),
      draft(drafts.catalog),
      draft(drafts.loans),
      ...testDesigns(),
    );
    expect(started).toMatchObject({ mode: 'v2', status: 'drafting' });
    const plan = await planIn(fleet.resources.db, planId, SETTLED);
    expect({ status: plan.status, error: plan.error }).toEqual({
      status: 'completed',
      error: null,
    });

    // One drafting call per task, in dependency order, each with its dependencies' drafted code.
    const prompts = draftPrompts(before);
    expect(prompts.map((p) => /File to draft: (\S+)/.exec(p)?.[1])).toEqual([
      'src/ids.ts',
      'src/catalog.ts',
      'src/loans.ts',
    ]);
    expect(prompts[0]).toContain('It depends on no other file.');
    expect(prompts[0]).toContain('- BookId');
    expect(prompts[0]).toContain('R1: Every book and member has a stable identifier.');
    expect(prompts[1]).toContain(drafts.ids);
    expect(prompts[1]).toContain('BookId from src/ids.ts');
    expect(prompts[2]).toContain(drafts.catalog);
    expect(prompts[2]).toContain(drafts.ids);
    expect(prompts[2]).toContain('a loan is due 14 days later');

    // The drafts became the tasks' code and went through the normal V2 pipeline.
    const tasks = await listTasks(fleet.resources.db, planId);
    expect(tasks.map((t) => [t.key, t.status, t.code])).toEqual([
      ['ids', 'atomized', drafts.ids],
      ['catalog', 'atomized', drafts.catalog],
      ['loans', 'atomized', drafts.loans],
    ]);
    const atoms = await listAtoms(fleet.resources.db, planId);
    expect(atoms.length).toBeGreaterThan(3);
    expect(atoms.every((a) => a.status === 'validated')).toBe(true);
    const levels = (await listValidation(fleet.resources.db, planId))
      .filter((v) => v.level !== 'atom')
      .map((v) => [v.level, v.passed]);
    expect(levels).toEqual(
      expect.arrayContaining([
        ['module', true],
        ['component', true],
      ]),
    );
    expect(levels.every(([, passed]) => passed)).toBe(true);

    // Drafting calls are in the same ledger as the planner's and the atoms' calls.
    const usage = await listPlanUsage(fleet.resources.db, planId);
    const taskIds = new Set(tasks.map((t) => t.id));
    expect(usage.filter((u) => u.taskId && taskIds.has(u.taskId))).toHaveLength(3);
    expect(usage.filter((u) => u.atomId).length).toBeGreaterThan(0);
  });

  it('repairs a broken draft with the validation error as feedback', async () => {
    const planId = await queuedPlan();
    const before = fake.requests.length;
    const missingCatalog = drafts.catalog.replace('export class Catalog', 'class Shelf');
    await approved(
      planId,
      draft(drafts.ids.replace('export function newBookId(raw: string)', 'export function (((')),
      draft(drafts.ids),
      draft(missingCatalog),
      draft(drafts.catalog),
      draft(drafts.loans.replace("from './catalog.js'", "from './shelves.js'")),
      draft(drafts.loans),
      ...testDesigns(),
    );
    const plan = await planIn(fleet.resources.db, planId, SETTLED);
    expect(plan.status).toBe('completed');
    const prompts = draftPrompts(before);
    // The syntax error (L1), the missing provided symbol and the import of a file outside the
    // plan (L2) each went back to the model.
    expect(prompts[1]).toMatch(
      /Attempt 2\. The previous draft failed validation:\nline 5: syntax: /,
    );
    expect(prompts[3]).toContain(
      'the task must provide "Catalog" (exported), and the file does not define it',
    );
    expect(prompts[5]).toMatch(/line 1: unresolved import: .*shelves/);
    const tasks = await listTasks(fleet.resources.db, planId);
    expect(tasks.map((t) => [t.key, t.attempt])).toEqual([
      ['ids', 2],
      ['catalog', 2],
      ['loans', 2],
    ]);
    const failedChecks = (await listValidation(fleet.resources.db, planId)).filter(
      (v) => v.level === 'atom' && !v.passed && v.atomId === null,
    );
    expect(failedChecks.map((v) => v.scope).sort()).toEqual([
      'src/catalog.ts',
      'src/ids.ts',
      'src/loans.ts',
    ]);
  });

  it('fails the plan with the reason when a task cannot be drafted in its attempts', async () => {
    const planId = await queuedPlan();
    const empty = draft('\n');
    await approved(planId, empty, empty, empty);
    const plan = await planIn(fleet.resources.db, planId, SETTLED);
    expect(plan.status).toBe('failed');
    expect(plan.error).toBe(
      'task "ids" could not be drafted in 3 attempts: the drafted file is empty',
    );
    const tasks = await listTasks(fleet.resources.db, planId);
    expect(tasks.map((t) => t.status)).toEqual(['failed', 'undrafted', 'undrafted']);
  });

  it('pauses drafting before a call that could cross the budget, and resumes drafting with a new one', async () => {
    const planId = await queuedPlan();
    const { db } = fleet.resources;
    // Planning spent some; what is left cannot pay for the first draft.
    const spent = (await findPlan(db, planId))!.spentDollars;
    await setPlanBudget(db, planId, { dollars: spent + 1e-9 });
    const before = fake.requests.length;
    await approved(planId);
    const paused = await planIn(db, planId, ['paused', ...SETTLED]);
    expect(paused.status).toBe('paused');
    expect(paused.error).toMatch(/budget/);
    expect(fake.requests.length).toBe(before);
    expect((await listTasks(db, planId)).map((t) => t.status)).toEqual([
      'undrafted',
      'undrafted',
      'undrafted',
    ]);

    fake.script(draft(drafts.ids), draft(drafts.catalog), draft(drafts.loans), ...testDesigns());
    const resumed = await post(`/api/v2/plans/${planId}/resume`, { budget: { dollars: 5 } });
    expect(resumed.status).toBeLessThan(300);
    expect((await findPlan(db, planId))!.status).not.toBe('paused');
    const plan = await planIn(db, planId, SETTLED);
    expect(plan.status).toBe('completed');
    expect(fake.requests.length - before).toBeGreaterThanOrEqual(3);
  });

  it('resumes a drafting plan whose jobs were lost, from Postgres alone', async () => {
    const planId = await queuedPlan();
    // Approved and committed, but Redis lost the jobs (none enqueued); the first task's attempt
    // had even been claimed by a worker that died.
    // Two planned tests without code for the test designer.
    const started = await startQueuedPlan(fleet.resources.db, planId, 'v2', 2);
    expect(started?.status).toBe('drafting');
    const [ids] = await listTasks(fleet.resources.db, planId);
    expect(await claimTaskAttempt(fleet.resources.db, ids!.id, 1, 'draft')).toBeDefined();
    expect((await findPlan(fleet.resources.db, planId))!.status).toBe('drafting');

    fake.script(draft(drafts.ids), draft(drafts.catalog), draft(drafts.loans), ...testDesigns());
    const { jobs } = await reconcile(fleet.resources);
    expect(jobs).toBeGreaterThanOrEqual(1);
    expect(await fleet.resources.queues.draft.getJob(`draft:${ids!.id}:1`)).toBeDefined();
    const plan = await planIn(fleet.resources.db, planId, SETTLED);
    expect(plan.status).toBe('completed');
    const tasks = await listTasks(fleet.resources.db, planId);
    expect(tasks.map((t) => t.code)).toEqual([drafts.ids, drafts.catalog, drafts.loans]);
  });

  // The test designer: planned test files without code are written by the model from the
  // acceptance criteria and the planned symbols, in the drafting phase, never seeing drafted code;
  // they join the plan's tests and run at L4.
  it('designs each test from the acceptance criteria and planned symbols, without the drafted code, and runs it at L4', async () => {
    const planId = await queuedPlan();
    const planningCalls = (await listPlanUsage(fleet.resources.db, planId)).length;
    const before = fake.requests.length;
    await approved(
      planId,
      draft(drafts.ids),
      draft(drafts.catalog),
      draft(drafts.loans),
      designed('test/ids.test.ts', 'import { test } from "node:test";\ntest("x", () => {((('),
      designed('test/ids.test.ts', designs.ids),
      designed('test/loans.test.ts', designs.loans),
    );
    const { db } = fleet.resources;
    const plan = await planIn(db, planId, SETTLED);
    expect({ status: plan.status, error: plan.error }).toEqual({
      status: 'completed',
      error: null,
    });

    const all = fake.requests.slice(before).map((q) => q.messages[0]!.content);
    const loansDesign = all.filter((p) => p.startsWith('Test file to design: test/loans.test.ts'));
    expect(loansDesign).toHaveLength(1);
    // The acceptance criteria of the covered tasks' requirements and their planned symbols ...
    expect(loansDesign[0]).toContain('a loan is due 14 days later');
    expect(loansDesign[0]).toContain('an added book is found by its ISBN');
    expect(loansDesign[0]).toMatch(/- src\/loans\.ts: Loans\..*Provides: LoanService/);
    expect(loansDesign[0]).toMatch(/- src\/catalog\.ts: Catalog\..*Provides: Catalog/);
    // ... and no drafted implementation.
    for (const code of [drafts.ids, drafts.catalog, drafts.loans])
      expect(loansDesign[0]).not.toContain(code.slice(0, 60));
    expect(loansDesign[0]).not.toContain('DAY_MS');
    // Designed in the drafting phase, not after the code: before the last task's draft.
    const designAt = all.indexOf(loansDesign[0]!);
    const loansDraftAt = all.findIndex((p) => p.startsWith('File to draft: src/loans.ts'));
    expect(designAt).toBeGreaterThanOrEqual(0);
    expect(designAt).toBeLessThan(loansDraftAt);

    // L1 rejected the first ids design; its diagnostics went back to the model.
    const idsDesign = all.filter((p) => p.startsWith('Test file to design: test/ids.test.ts'));
    expect(idsDesign).toHaveLength(2);
    expect(idsDesign[1]).toMatch(/Attempt 2\. The previous test file failed validation:\n.*syntax/);

    // The designed files are the plan's tests, and they ran (and passed) at L4.
    const stored = await findPlanKeepingInput(db, planId);
    expect(new Map(stored!.input.tests.map((t) => [t.file, t.code]))).toEqual(
      new Map([
        ['test/ids.test.ts', designs.ids],
        ['test/loans.test.ts', designs.loans],
      ]),
    );
    const system = (await listValidation(db, planId)).filter((v) => v.level === 'system');
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((v) => v.passed)).toBe(true);
    const checked = (await listValidation(db, planId)).filter(
      (v) => v.level === 'atom' && v.scope.startsWith('test/'),
    );
    expect(checked.map((v) => [v.scope, v.passed]).sort()).toEqual([
      ['test/ids.test.ts', false],
      ['test/ids.test.ts', true],
      ['test/loans.test.ts', true],
    ]);
    // Three paid design calls in the plan's ledger (the plan's own: no atom or task owns them).
    const usage = await listPlanUsage(db, planId);
    expect(usage.filter((u) => !u.atomId && !u.taskId)).toHaveLength(planningCalls + 3);
  });

  const failingDesignedTest = () => failingPlan(flow);

  /** The plan's review queue as the API shows it. */
  async function reviewQueue(planId: string): Promise<ReviewItem[]> {
    const res = await get(`/api/v2/review-queue/${planId}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  it('does not complete a plan whose drafted code fails a designed test: the code no reviewer approved is repaired, then sent to review', async () => {
    const planId = await failingDesignedTest();
    const { db } = fleet.resources;
    const plan = (await findPlan(db, planId))!;
    expect(plan.status).toBe('needs_review');
    const stored = await findPlanKeepingInput(db, planId);
    expect(stored!.input.tests.find((t) => t.file === 'test/loans.test.ts')?.code).toBe(
      designs.loansStrict,
    );
    const system = (await listValidation(db, planId)).filter((v) => v.level === 'system');
    expect(system.some((v) => !v.passed)).toBe(true);

    // The failure was blamed on the code the failing test calls (the loan's `lend`, the member's
    // id): regenerated through every attempt, then sent to review; the test was not.
    const queue = await reviewQueue(planId);
    expect(queue.map((i) => i.atom?.file)).toContain('src/loans.ts');
    for (const item of queue) {
      expect(item).toMatchObject({ status: 'open', test: null });
      expect(item.atom).toMatchObject({ status: 'failed', attempts: 2 });
      expect(item.reason).toMatch(
        /failed system validation after 2 attempt\(s\): .*loans\.test\.ts > a loan is due/,
      );
    }
  });

  describe('when the code a designed test fails on was approved by a reviewer', () => {
    /** The failing plan, its code approved in review, failing L4 again: its open reviews. */
    async function approvedCodeFailingTest(): Promise<{ planId: string; queue: ReviewItem[] }> {
      const planId = await failingDesignedTest();
      const { db } = fleet.resources;
      expect(await approveCodeReviews(flow, planId)).toBeGreaterThan(0);
      const attempts = new Map((await listAtoms(db, planId)).map((a) => [a.id, a.attempt]));
      const calls = fake.requests.length;
      await planIn(db, planId, SETTLED);
      // Validated again and failed again, and the approved code was not repaired: no LLM call,
      // no attempt spent.
      expect(fake.requests.length).toBe(calls);
      expect(new Map((await listAtoms(db, planId)).map((a) => [a.id, a.attempt]))).toEqual(
        attempts,
      );
      const plan = (await findPlan(db, planId))!;
      expect({ status: plan.status, error: plan.error }).toEqual({
        status: 'needs_review',
        error: '1 test(s) fail on code a reviewer approved; see the review queue',
      });
      return { planId, queue: (await reviewQueue(planId)).filter((i) => i.status === 'open') };
    }

    /** The plan completes with the 14-day loans test, which passed at L4. */
    async function completedWithLoansTest(planId: string): Promise<void> {
      const { db } = fleet.resources;
      const plan = await planIn(db, planId, SETTLED);
      expect(plan.status).toBe('completed');
      const stored = await findPlan(db, planId);
      expect(stored!.input.tests.find((t) => t.file === 'test/loans.test.ts')?.code).toBe(
        designs.loans,
      );
      const system = (await listValidation(db, planId)).filter((v) => v.level === 'system');
      expect(system.at(-1)!.passed).toBe(true);
    }

    it('sends the test, not the code, to review with its failure; approving it (known-bad) completes the plan', async () => {
      const { planId, queue } = await approvedCodeFailingTest();
      expect(queue).toHaveLength(1);
      const [item] = queue;
      expect(item).toMatchObject({
        atomId: null,
        atom: null,
        test: { file: 'test/loans.test.ts', code: designs.loansStrict },
      });
      // The reason: the code it blames and the failing assertion's output.
      expect(item!.reason).toMatch(
        /^the test fails on code a reviewer approved \(src\/loans\.ts [^)]*\):\ntest\/loans\.test\.ts > a loan is due 14 days later/,
      );
      expect(item!.reason).toContain('1209600000');
      expect(item!.reason).toContain('1814400000');

      const res = await post(`/api/v2/review-queue/${planId}/tests`, {
        file: 'test/loans.test.ts',
        action: 'approve',
        note: 'the requirement says 14 days',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'approved', testFile: 'test/loans.test.ts' });
      const { db } = fleet.resources;
      const plan = await planIn(db, planId, SETTLED);
      expect({ status: plan.status, error: plan.error }).toEqual({
        status: 'completed',
        error: null,
      });
      // The approved test no longer runs; the other designed test still did, and passed.
      const report = JSON.parse(
        await readFile(join(plan.outputDir!, 'mge-report.json'), 'utf8'),
      ) as { excusedTests: string[] };
      expect(report.excusedTests).toEqual(['test/loans.test.ts']);
      const system = (await listValidation(db, planId)).filter((v) => v.level === 'system');
      expect(system.at(-1)!.passed).toBe(true);
      expect(await reviewQueue(planId)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            test: expect.objectContaining({ file: 'test/loans.test.ts' }),
            status: 'approved',
            note: 'the requirement says 14 days',
          }),
        ]),
      );
    });

    it('sends the test to review; an edit of the test (checked at L1) completes the plan with it', async () => {
      const { planId } = await approvedCodeFailingTest();
      const review = (body: object) =>
        post(`/api/v2/review-queue/${planId}/tests`, { file: 'test/loans.test.ts', ...body });
      const broken = await review({ action: 'edit', code: 'test("x", () => {(((' });
      expect(broken.status).toBe(400);
      expect(broken.body.error.message).toMatch(/L1 \(test\)/);
      expect((await review({ action: 'edit', code: designs.loans })).status).toBe(200);

      await completedWithLoansTest(planId);
      // Resolved: a second decision finds nothing open.
      expect((await review({ action: 'approve' })).status).toBe(409);
    });

    it('sends the test to review; a redesign (with the note as feedback, not the failure) completes the plan with the new design', async () => {
      const { planId } = await approvedCodeFailingTest();
      const before = fake.requests.length;
      fake.script(designed('test/loans.test.ts', designs.loans));
      const note = 'R3 says loans last 14 days';
      const res = await post(`/api/v2/review-queue/${planId}/tests`, {
        file: 'test/loans.test.ts',
        action: 'regenerate',
        note,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'regenerating' });

      await completedWithLoansTest(planId);
      // One more design call: the reviewer's note as the feedback, still no code nor its output.
      const prompts = fake.requests.slice(before).map((q) => q.messages[0]!.content);
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toMatch(/^Test file to design: test\/loans\.test\.ts/);
      expect(prompts[0]).toMatch(
        /Attempt 2\. The previous test file failed validation:\na reviewer sent it back: it failed on code they approved\. Their note: R3 says loans last 14 days/,
      );
      expect(prompts[0]).not.toContain('1209600000');
      expect(prompts[0]).not.toContain(drafts.loans.slice(0, 60));
    });
  });
});

/** One row of `GET /api/v2/review-queue/:planId`. */
interface ReviewItem {
  atomId: string | null;
  status: string;
  reason: string;
  atom: { file: string; status: string; attempts: number } | null;
  test: { file: string; code: string | null } | null;
}
