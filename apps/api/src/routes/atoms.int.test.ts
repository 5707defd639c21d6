import request from 'supertest';
import { findPlan, listTasks } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('atomization API', () => {
  let fleet: TestFleet;
  let planId: string;

  beforeAll(async () => {
    fleet = await startTestFleet();
    const res = await request(fleet.app).post('/api/v2/plans').set(auth).send(threeFilePlan());
    planId = res.body.id;
    // Atoms exist once every task is atomized (the plan has moved past `atomizing`).
    await waitFor(async () => {
      const plan = await findPlan(fleet.resources.db, planId);
      return plan && plan.status !== 'atomizing' ? plan : undefined;
    }, 'the plan to be atomized');
  }, 60_000);
  afterAll(() => fleet?.stop());

  describe('GET /api/v2/atoms/:planId', () => {
    it("lists the plan's atoms with their byte and line ranges, tiling each file", async () => {
      const res = await request(fleet.app).get(`/api/v2/atoms/${planId}`).set(auth);
      expect(res.status).toBe(200);
      const atoms = res.body.items as {
        file: string;
        startByte: number;
        endByte: number;
        startLine: number;
      }[];
      expect(atoms.length).toBeGreaterThan(0);
      for (const task of await listTasks(fleet.resources.db, planId)) {
        const mine = atoms.filter((a) => a.file === task.file);
        expect(mine[0]!.startByte).toBe(0);
        for (let i = 1; i < mine.length; i++) expect(mine[i]!.startByte).toBe(mine[i - 1]!.endByte);
        expect(mine.at(-1)!.endByte).toBe(Buffer.byteLength(task.code));
      }
    });

    it('answers 404 for a plan that does not exist and 400 for an id that is not a UUID', async () => {
      expect(
        (
          await request(fleet.app)
            .get('/api/v2/atoms/00000000-0000-4000-8000-000000000000')
            .set(auth)
        ).status,
      ).toBe(404);
      const bad = await request(fleet.app).get('/api/v2/atoms/nope').set(auth);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_input' });
    });
  });

  describe('GET /api/v2/atom/:id', () => {
    it('shows one atom with its atomicity criteria and context', async () => {
      const list = await request(fleet.app).get(`/api/v2/atoms/${planId}`).set(auth);
      const res = await request(fleet.app).get(`/api/v2/atom/${list.body.items[0].id}`).set(auth);
      expect(res.status).toBe(200);
      expect(res.body.analysis).toMatchObject({
        criteriaPassed: expect.any(Number),
        contextCompleteness: expect.any(Number),
      });
      expect(res.body.analysis.criteriaPassed + res.body.analysis.criteriaFailed.length).toBe(10);
    });
  });

  describe('when a task is already atomized', () => {
    it('answers 409 to re-atomizing the task or the plan, saying atoms are immutable', async () => {
      const [task] = await listTasks(fleet.resources.db, planId);
      const res = await request(fleet.app).post(`/api/v2/atomize/task/${task!.id}`).set(auth);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/already atomized.*immutable/),
      });
      expect(
        (await request(fleet.app).post(`/api/v2/atomize/plan/${planId}`).set(auth)).status,
      ).toBe(409);
    });

    it('answers 404 for a task that does not exist', async () => {
      expect(
        (
          await request(fleet.app)
            .post('/api/v2/atomize/task/00000000-0000-4000-8000-000000000000')
            .set(auth)
        ).status,
      ).toBe(404);
    });
  });
});
