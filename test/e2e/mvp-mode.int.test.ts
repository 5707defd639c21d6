import request from 'supertest';
import { findPlan, listPlanUsage, listTasks } from '@mge/db';
import type { GenerateRequest, GenerateResult, LlmProvider } from '@mge/llm';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Breaks the answer for `threeFilePlan`'s math task (an unbalanced bracket: L1 fails) while
 * `breaks(request)` says so; records every request for that file.
 */
function mathBreakingLlm(inner: LlmProvider, breaks: (request: GenerateRequest) => boolean) {
  const requests: GenerateRequest[] = [];
  const llm: LlmProvider = {
    name: inner.name,
    async generate(request): Promise<GenerateResult> {
      const result = await inner.generate(request);
      if (request.file !== 'src/math.ts') return result;
      requests.push(request);
      return breaks(request)
        ? { ...result, text: `${result.text}\nconst __broken = (;\n` }
        : result;
    },
  };
  return { llm, requests };
}

describe('MVP mode (whole tasks, one retry)', () => {
  let fleet: TestFleet;
  let inner: LlmProvider;

  beforeAll(async () => {
    fleet = await startTestFleet();
    inner = fleet.resources.llm;
  }, 30_000);
  afterAll(() => fleet?.stop());

  const submitMvp = async (name: string): Promise<string> => {
    const res = await request(fleet.app)
      .post('/api/v2/plans')
      .set(auth)
      .send({ ...threeFilePlan(name), mode: 'mvp' });
    expect(res.body.mode).toBe('mvp');
    return res.body.id as string;
  };
  const mathTask = async (planId: string) =>
    (await listTasks(fleet.resources.db, planId)).find((t) => t.key === 'math')!;

  describe('when the first answer for a task is bad', () => {
    it('retries once with the error in the prompt, and the plan completes', async () => {
      const { llm, requests } = mathBreakingLlm(inner, (r) => r.attempt === 1);
      fleet.resources.llm = llm;
      const planId = await submitMvp('mvp-retry-once');
      const plan = await planIn(fleet.resources.db, planId, SETTLED);
      expect([plan.status, plan.error]).toEqual(['completed', null]);
      expect(requests.map((r) => r.attempt)).toEqual([1, 2]);
      expect(requests[1]!.prompt).toContain('The previous attempt failed validation');
      // One call per task and attempt: the whole file in one answer.
      expect(requests[0]!.draftCode).toBe(threeFilePlan().tasks[0]!.code);
      expect(await mathTask(planId)).toMatchObject({ status: 'generated', attempt: 2 });
      const usage = await listPlanUsage(fleet.resources.db, planId);
      expect(usage).toHaveLength(4);
      expect(usage.every((u) => u.taskId !== null && u.atomId === null)).toBe(true);
    }, 30_000);
  });

  describe('when a task fails both attempts', () => {
    it('fails the plan with the reason stored, and POST /api/v1/task/:id/retry completes it', async () => {
      let broken = true;
      const { llm, requests } = mathBreakingLlm(inner, () => broken);
      fleet.resources.llm = llm;
      const planId = await submitMvp('mvp-retry-endpoint');
      const failed = await planIn(fleet.resources.db, planId, SETTLED);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/^task "math" failed L1 validation on attempt 2: /);
      const task = await mathTask(planId);
      expect(task).toMatchObject({ status: 'failed', attempt: 2 });
      expect(task.error).toMatch(/^line \d+: /);

      broken = false;
      const retry = await request(fleet.app).post(`/api/v1/task/${task.id}/retry`).set(auth);
      expect(retry.status).toBe(202);
      expect(retry.body).toEqual({
        taskId: task.id,
        planId,
        attempt: 3,
        planStatus: 'generating',
      });
      const completed = await planIn(fleet.resources.db, planId, SETTLED);
      expect([completed.status, completed.error]).toEqual(['completed', null]);
      expect(requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
      expect(await mathTask(planId)).toMatchObject({ status: 'generated', attempt: 3 });

      const again = await request(fleet.app).post(`/api/v1/task/${task.id}/retry`).set(auth);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    }, 30_000);

    it('fails again after the one extra attempt when the answer is still bad', async () => {
      const { llm } = mathBreakingLlm(inner, () => true);
      fleet.resources.llm = llm;
      const planId = await submitMvp('mvp-retry-fails');
      await planIn(fleet.resources.db, planId, ['failed']);
      const task = await mathTask(planId);
      await request(fleet.app).post(`/api/v1/task/${task.id}/retry`).set(auth).expect(202);
      const plan = await planIn(fleet.resources.db, planId, SETTLED);
      expect(plan.status).toBe('failed');
      expect(plan.error).toMatch(/^task "math" failed L1 validation on attempt 3: /);
    }, 30_000);
  });

  describe('when the plan is a v2 plan', () => {
    it('refuses a task retry with 409: atoms are retried from the review queue', async () => {
      fleet.resources.llm = inner;
      const res = await request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .send({ ...threeFilePlan('v2-no-task-retry'), mode: 'v2' });
      await planIn(fleet.resources.db, res.body.id, SETTLED);
      const [task] = await listTasks(fleet.resources.db, res.body.id);
      const retry = await request(fleet.app).post(`/api/v1/task/${task!.id}/retry`).set(auth);
      expect(retry.status).toBe(409);
      expect((await findPlan(fleet.resources.db, res.body.id))?.status).toBe('completed');
    }, 30_000);
  });
});
