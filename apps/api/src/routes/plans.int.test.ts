import request from 'supertest';
import { countAtomsByStatus, findPlan, listTasks } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('POST /api/v2/plans and GET /api/v2/plans/:id', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startTestFleet();
  }, 30_000);
  afterAll(() => fleet?.stop());

  const finished = (id: string) =>
    waitFor(async () => {
      const plan = await findPlan(fleet.resources.db, id);
      return plan && ['completed', 'failed', 'needs_review'].includes(plan.status)
        ? plan
        : undefined;
    }, `plan ${id} to finish`);

  describe('GET /api/v2/plans', () => {
    it('shows each plan’s mode and spend and narrows the list to one mode', async () => {
      const submit = (name: string, mode: 'mvp' | 'v2') =>
        request(fleet.app)
          .post('/api/v2/plans')
          .set(auth)
          .send({ ...threeFilePlan(name), mode });
      const mvp = await submit('list-mvp', 'mvp');
      const v2 = await submit('list-v2', 'v2');
      await finished(mvp.body.id);
      await finished(v2.body.id);
      const only = await request(fleet.app).get('/api/v2/plans?mode=mvp&limit=500').set(auth);
      expect(only.status).toBe(200);
      const items = only.body.items as { id: string; mode: string }[];
      expect(items.map((p) => p.id)).toContain(mvp.body.id);
      expect(items.map((p) => p.id)).not.toContain(v2.body.id);
      expect(new Set(items.map((p) => p.mode))).toEqual(new Set(['mvp']));
      const all = await request(fleet.app).get('/api/v2/plans?limit=500').set(auth);
      const listed = (all.body.items as { id: string }[]).find((p) => p.id === v2.body.id);
      expect(listed).toMatchObject({
        mode: 'v2',
        spentDollars: expect.any(Number),
        spentTokens: expect.any(Number),
        // The test fleet's offline provider is not the `sim` one: nothing is labelled simulated.
        simulated: false,
      });
      const bad = await request(fleet.app).get('/api/v2/plans?mode=v3').set(auth);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/mode/);
    }, 60_000);
  });

  describe('when the caller is not authenticated', () => {
    it('answers 401 with what to send', async () => {
      const res = await request(fleet.app).post('/api/v2/plans').send(threeFilePlan());
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/Authorization: Bearer/);
      expect(
        (
          await request(fleet.app)
            .get('/api/v2/plans/00000000-0000-4000-8000-000000000000')
            .set('authorization', 'Bearer wrong')
        ).status,
      ).toBe(401);
    });
  });

  describe('when the plan is malformed', () => {
    it('answers 400 for a body that is not JSON', async () => {
      const res = await request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .set('content-type', 'application/json')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_json' });
    });

    it('answers 400 naming each missing field', async () => {
      const res = await request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .send({ language: 'typescript', tasks: [{ id: 'a', file: 'a.ts' }] });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('name:');
      expect(res.body.error.message).toContain('tasks[0].title:');
      expect(res.body.error.message).toContain('tasks[0].code:');
    });

    it('answers 400 for an unknown language', async () => {
      const res = await request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .send({ ...threeFilePlan(), language: 'cobol' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/language:/);
    });

    it.each([
      ['a NUL byte', 'src/a\u0000.ts'],
      ['a newline', 'src/a\n.ts'],
      ['an absolute path', '/etc/cron.d/x.ts'],
      ['a ".." segment', 'src/../../x.ts'],
      ['a backslash', 'src\\x.ts'],
      ['a drive letter', 'C:/x.ts'],
      ['an over-long name', `src/${'x'.repeat(300)}.ts`],
    ])('answers 400 naming the field for a task file with %s', async (_what, file) => {
      const plan = threeFilePlan();
      plan.tasks[1]!.file = file;
      const res = await request(fleet.app).post('/api/v2/plans').set(auth).send(plan);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/tasks\[1\]\.file: /);
    });

    it('answers 400 naming the field for a test file with a NUL byte', async () => {
      const plan = { ...threeFilePlan(), tests: [{ file: 'test/a\u0000.test.ts', code: '' }] };
      const res = await request(fleet.app).post('/api/v2/plans').set(auth).send(plan);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'tests[0].file: must not contain NUL or control characters',
      );
    });

    it('accepts YAML bodies and rejects broken YAML with a 400', async () => {
      const res = await request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .set('content-type', 'application/yaml')
        .send('name: [oops');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/not valid YAML/);
    });

    it('answers 400 for an id that is not a UUID and 404 for an unknown plan', async () => {
      expect((await request(fleet.app).get('/api/v2/plans/nope').set(auth)).status).toBe(400);
      const res = await request(fleet.app)
        .get('/api/v2/plans/00000000-0000-4000-8000-000000000000')
        .set(auth);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe('when a task’s code does not parse', () => {
    it('fails that plan with the task and line stored, while a good plan submitted with it completes', async () => {
      const bad = threeFilePlan('bad');
      bad.tasks[1]!.code =
        'export function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0;\n}\n';
      const [badRes, goodRes] = await Promise.all([
        request(fleet.app).post('/api/v2/plans').set(auth).send(bad),
        request(fleet.app).post('/api/v2/plans').set(auth).send(threeFilePlan('good')),
      ]);
      expect(badRes.status).toBe(202);
      expect(goodRes.status).toBe(202);

      const badPlan = await finished(badRes.body.id);
      expect(badPlan.status).toBe('failed');
      expect(badPlan.error).toMatch(
        /^task "stats": src\/stats\.ts does not parse as typescript \(line 2/,
      );
      const tasks = await listTasks(fleet.resources.db, badPlan.id);
      expect(tasks.find((t) => t.key === 'stats')).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('line 2'),
      });

      const goodPlan = await finished(goodRes.body.id);
      expect(goodPlan.status).toBe('completed');
      expect(await countAtomsByStatus(fleet.resources.db, goodPlan.id)).toEqual({
        validated: expect.any(Number),
      });

      const view = await request(fleet.app).get(`/api/v2/plans/${badPlan.id}`).set(auth);
      expect(view.body).toMatchObject({
        status: 'failed',
        progress: { atomize: { failed: 1, total: 3 } },
      });
      // Nothing is stuck: no queue holds a waiting, active or delayed job for either plan.
      for (const queue of Object.values(fleet.resources.queues)) {
        expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
          waiting: 0,
          active: 0,
          delayed: 0,
          prioritized: 0,
        });
      }
    }, 30_000);
  });
});
