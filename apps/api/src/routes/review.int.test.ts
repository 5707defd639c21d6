import request from 'supertest';
import { createApiKey, ensureTenant, findPlan } from '@mge/db';
import { FIXING_NOTE, startFleetBreakingAdd, type faultyLlm } from '@test/faulty-llm';
import { ADMIN_TOKEN, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';
import { waitFor } from '@test/services';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('GET /api/v2/review-queue/:planId and POST /api/v2/review/:atomId', () => {
  let fleet: TestFleet;
  let llm: ReturnType<typeof faultyLlm>;
  let otherTenant: { authorization: string };

  beforeAll(async () => {
    ({ fleet, llm } = await startFleetBreakingAdd());
    const other = await ensureTenant(fleet.resources.db, 'other-tenant');
    otherTenant = { authorization: `Bearer ${await createApiKey(fleet.resources.db, other.id)}` };
  }, 30_000);
  afterAll(() => fleet?.stop());

  const settled = (id: string) => planIn(fleet.resources.db, id, SETTLED);

  /** Submits a plan whose `add` atom fails every attempt; resolves once it waits for review. */
  async function planNeedingReview(name: string): Promise<{ planId: string; atomId: string }> {
    const res = await request(fleet.app).post('/api/v2/plans').set(auth).send(threeFilePlan(name));
    const plan = await settled(res.body.id);
    expect(plan.status).toBe('needs_review');
    const queue = await request(fleet.app).get(`/api/v2/review-queue/${plan.id}`).set(auth);
    return { planId: plan.id, atomId: queue.body.items[0].atomId };
  }

  describe('when the caller is not allowed', () => {
    it('answers 401 without a key or with a wrong one', async () => {
      expect((await request(fleet.app).get(`/api/v2/review-queue/${UNKNOWN}`)).status).toBe(401);
      const res = await request(fleet.app)
        .post(`/api/v2/review/${UNKNOWN}`)
        .set('authorization', 'Bearer nope')
        .send({ action: 'approve' });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });

    it('answers 404 for another tenant’s plan and atom, never their data', async () => {
      const { planId, atomId } = await planNeedingReview('review-tenancy');
      const queue = await request(fleet.app).get(`/api/v2/review-queue/${planId}`).set(otherTenant);
      expect(queue.status).toBe(404);
      expect(queue.body).toEqual({
        error: { code: 'not_found', message: `plan ${planId} not found` },
      });
      const review = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(otherTenant)
        .send({ action: 'approve' });
      expect(review.status).toBe(404);
      const attempts = await request(fleet.app)
        .get(`/api/v2/atom/${atomId}/attempts`)
        .set(otherTenant);
      expect(attempts.status).toBe(404);
      expect(JSON.stringify(attempts.body)).not.toContain('__broken');
      expect((await findPlan(fleet.resources.db, planId))?.status).toBe('needs_review');
    }, 30_000);
  });

  describe('GET /api/v2/atom/:id/attempts', () => {
    it("shows every refused attempt with its error and the model's answer, then whose code won", async () => {
      const { planId, atomId } = await planNeedingReview('review-attempts');
      const before = await request(fleet.app).get(`/api/v2/atom/${atomId}/attempts`).set(auth);
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ atomId, status: 'failed', code: null, codeBy: null });
      const { attempts } = before.body as {
        attempts: { attempt: number; outcome: string; error: string; answer: string }[];
      };
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'refused'],
        [2, 'refused'],
        [3, 'refused'],
      ]);
      for (const a of attempts) {
        // The faulty provider's answer, as the model gave it, and the parser's complaint.
        expect(a.answer).toContain('function add');
        expect(a.answer).toContain('const __broken = (;');
        expect(a.error).toMatch(/line \d+: /);
      }

      const fixed = attempts[2]!.answer.replace('const __broken = (;', '');
      const edit = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(auth)
        .send({ action: 'edit', code: fixed, note: 'dropped the stray bracket' });
      expect(edit.status).toBe(200);
      expect((await settled(planId)).status).toBe('completed');
      const after = await request(fleet.app).get(`/api/v2/atom/${atomId}/attempts`).set(auth);
      expect(after.body).toMatchObject({ status: 'validated', code: fixed, codeBy: 'reviewer' });
      expect(after.body.attempts).toHaveLength(3);
      expect(after.body.reviews).toEqual([
        expect.objectContaining({ status: 'edited', note: 'dropped the stray bracket' }),
      ]);
    }, 30_000);
  });

  describe('when the request is malformed', () => {
    it('answers 400 for ids that are not UUIDs, bad pagination and unknown actions', async () => {
      const bad = [
        await request(fleet.app).get('/api/v2/review-queue/nope').set(auth),
        await request(fleet.app).get(`/api/v2/review-queue/${UNKNOWN}?limit=0`).set(auth),
        await request(fleet.app).post('/api/v2/review/nope').set(auth).send({ action: 'approve' }),
        await request(fleet.app)
          .post(`/api/v2/review/${UNKNOWN}`)
          .set(auth)
          .send({ action: 'merge' }),
        await request(fleet.app)
          .post(`/api/v2/review/${UNKNOWN}`)
          .set(auth)
          .send({ action: 'edit' }),
      ];
      for (const res of bad) {
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      }
    });

    it('answers 404 for an unknown plan or atom', async () => {
      expect(
        (await request(fleet.app).get(`/api/v2/review-queue/${UNKNOWN}`).set(auth)).status,
      ).toBe(404);
      const res = await request(fleet.app)
        .post(`/api/v2/review/${UNKNOWN}`)
        .set(auth)
        .send({ action: 'approve' });
      expect(res.status).toBe(404);
    });
  });

  describe('when a reviewer rejects the atom', () => {
    it('keeps the atom failed and the plan waiting, and a second action answers 409', async () => {
      const { planId, atomId } = await planNeedingReview('review-reject');
      const res = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(auth)
        .send({ action: 'reject', note: 'wrong approach' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'rejected',
        reopened: [],
        planStatus: 'needs_review',
      });
      const again = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(auth)
        .send({ action: 'approve' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
      const queue = await request(fleet.app).get(`/api/v2/review-queue/${planId}`).set(auth);
      expect(queue.body.items[0]).toMatchObject({ status: 'rejected', note: 'wrong approach' });
    }, 30_000);
  });

  describe('when a reviewer approves the atom', () => {
    it('accepts it with its drafted code and the plan completes', async () => {
      const { planId, atomId } = await planNeedingReview('review-approve');
      const res = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(auth)
        .send({ action: 'approve' });
      expect(res.status).toBe(200);
      expect(res.body.reopened.length).toBeGreaterThan(0);
      expect((await settled(planId)).status).toBe('completed');
    }, 30_000);
  });

  describe('when a reviewer asks for a regeneration with a note', () => {
    it('runs one attempt beyond the budget with the note in the prompt, and the plan completes', async () => {
      const { planId, atomId } = await planNeedingReview('review-regenerate');
      const res = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(auth)
        .send({ action: 'regenerate', note: FIXING_NOTE });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'regenerating', planStatus: 'generating' });
      expect((await settled(planId)).status).toBe('completed');
      const last = llm.prompts.at(-1)!;
      expect(last).toContain(`A human reviewer asked for another attempt:\n${FIXING_NOTE}`);
      const queue = await request(fleet.app).get(`/api/v2/review-queue/${planId}`).set(auth);
      expect(queue.body.items[0].atom).toMatchObject({ status: 'validated', attempts: 4 });
    }, 30_000);

    it('fails again after that one extra attempt when the note does not help', async () => {
      const { planId, atomId } = await planNeedingReview('review-regenerate-again');
      const res = await request(fleet.app)
        .post(`/api/v2/review/${atomId}`)
        .set(auth)
        .send({ action: 'regenerate', note: 'try harder' });
      expect(res.status).toBe(200);
      await waitFor(async () => {
        const q = await request(fleet.app).get(`/api/v2/review-queue/${planId}`).set(auth);
        const items = q.body.items as { status: string }[];
        return items.length === 2 ? items : undefined;
      }, 'a second review row');
      const plan = await settled(planId);
      expect(plan.status).toBe('needs_review');
    }, 30_000);
  });
});
