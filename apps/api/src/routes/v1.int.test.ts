import request from 'supertest';
import { createApiKey, ensureTenant, findPlan, listTasks } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('the v1 (task-level) API', () => {
  let fleet: TestFleet;
  let outsider: { authorization: string };

  beforeAll(async () => {
    fleet = await startTestFleet();
    const other = await ensureTenant(fleet.resources.db, 'v1-outsider');
    outsider = { authorization: `Bearer ${await createApiKey(fleet.resources.db, other.id)}` };
  }, 30_000);
  afterAll(() => fleet?.stop());

  const post = (path: string, body: object, key: Record<string, string> = auth) =>
    request(fleet.app).post(path).set(key).send(body);
  const get = (path: string, key: Record<string, string> = auth) =>
    request(fleet.app).get(path).set(key);

  /** discovery/start -> masterplan/generate: a stored, queued plan. */
  async function queuedPlan(name: string, extra: object = {}): Promise<string> {
    const discovery = await post('/api/v1/discovery/start', { requirements: `Build ${name}` });
    const res = await post('/api/v1/masterplan/generate', {
      ...threeFilePlan(name),
      discoveryId: discovery.body.discoveryId,
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.masterplanId as string;
  }

  describe('when the flow runs: discovery, generate, execute, read', () => {
    it('stores the plan queued, starts it on execute and shows it with its tasks', async () => {
      const discovery = await post('/api/v1/discovery/start', { requirements: 'Stats helpers' });
      expect(discovery.status).toBe(201);
      expect(discovery.body).toMatchObject({ analysis: null });

      const generated = await post('/api/v1/masterplan/generate', {
        ...threeFilePlan('v1-flow'),
        mode: 'mvp',
        discoveryId: discovery.body.discoveryId,
      });
      expect(generated.status).toBe(201);
      expect(generated.body).toMatchObject({
        status: 'queued',
        discoveryId: discovery.body.discoveryId,
        tasks: 3,
      });
      const id = generated.body.masterplanId as string;
      // Not started: no job until execute.
      const [first] = await listTasks(fleet.resources.db, id);
      const { queues } = fleet.resources;
      expect(await queues['generate-task'].getJob(`task:${first!.id}:1`)).toBeUndefined();
      expect(await queues.atomize.getJob(`atomize:${id}:${first!.id}`)).toBeUndefined();
      expect((await findPlan(fleet.resources.db, id))?.status).toBe('queued');

      const executed = await post('/api/v1/masterplan/execute', { masterplanId: id });
      expect(executed.status).toBe(202);
      expect(executed.body).toMatchObject({
        masterplanId: id,
        mode: 'mvp',
        modeDecidedBy: 'plan',
        status: 'generating',
        enqueued: true,
      });
      expect((await planIn(fleet.resources.db, id, SETTLED)).status).toBe('completed');

      const plan = await get(`/api/v1/masterplan/${id}`);
      expect(plan.status).toBe(200);
      expect(plan.body).toMatchObject({ id, mode: 'mvp', status: 'completed' });
      expect(plan.body.tasks).toHaveLength(3);
      const task = await get(`/api/v1/task/${plan.body.tasks[0].id}`);
      expect(task.status).toBe(200);
      expect(task.body).toMatchObject({
        masterplanId: id,
        key: 'math',
        status: 'generated',
        attempts: 1,
        generatedCode: threeFilePlan().tasks[0]!.code,
      });

      const twice = await post('/api/v1/masterplan/execute', { masterplanId: id });
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('conflict');
    }, 30_000);

    it('runs a v2 plan through v1 too: the mode, not the API version, picks the engine', async () => {
      const id = await queuedPlan('v1-v2-engine', { mode: 'v2' });
      const executed = await post('/api/v1/masterplan/execute', { masterplanId: id });
      expect(executed.body).toMatchObject({ mode: 'v2', status: 'atomizing' });
      expect((await planIn(fleet.resources.db, id, SETTLED)).status).toBe('completed');
    }, 30_000);
  });

  describe('when the request is malformed', () => {
    it.each([
      ['POST /discovery/start without requirements', '/api/v1/discovery/start', {}],
      [
        'POST /discovery/start with blank requirements',
        '/api/v1/discovery/start',
        { requirements: '  ' },
      ],
      [
        'POST /masterplan/generate with no tasks',
        '/api/v1/masterplan/generate',
        { ...threeFilePlan(), tasks: [] },
      ],
      [
        'POST /masterplan/generate with a bad discoveryId',
        '/api/v1/masterplan/generate',
        { ...threeFilePlan(), discoveryId: 'x' },
      ],
      ['POST /masterplan/execute without an id', '/api/v1/masterplan/execute', {}],
      [
        'POST /masterplan/execute with an unknown field',
        '/api/v1/masterplan/execute',
        { masterplanId: UNKNOWN, go: true },
      ],
      ['POST /task/:id/retry with an id that is not a UUID', '/api/v1/task/nope/retry', {}],
    ])('%s answers 400 invalid_input', async (_what, path, body) => {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input' });
      expect(typeof res.body.error.message).toBe('string');
    });

    it('answers 400 for GET ids that are not UUIDs', async () => {
      for (const path of ['/api/v1/masterplan/nope', '/api/v1/task/nope']) {
        const res = await get(path);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      }
    });

    it('answers 404 for unknown ids', async () => {
      expect((await get(`/api/v1/masterplan/${UNKNOWN}`)).status).toBe(404);
      expect((await get(`/api/v1/task/${UNKNOWN}`)).status).toBe(404);
      expect((await post(`/api/v1/task/${UNKNOWN}/retry`, {})).status).toBe(404);
      expect((await post('/api/v1/masterplan/execute', { masterplanId: UNKNOWN })).status).toBe(
        404,
      );
    });
  });

  describe('when the caller is not allowed', () => {
    it.each([
      ['post', '/api/v1/discovery/start'],
      ['post', '/api/v1/masterplan/generate'],
      ['post', '/api/v1/masterplan/execute'],
      ['get', `/api/v1/masterplan/${UNKNOWN}`],
      ['get', `/api/v1/task/${UNKNOWN}`],
      ['post', `/api/v1/task/${UNKNOWN}/retry`],
    ] as const)('%s %s answers 401 without a key and with a wrong one', async (method, path) => {
      for (const key of [{}, { authorization: 'Bearer wrong-key' }]) {
        const res = await request(fleet.app)[method](path).set(key);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    });

    it('answers 404 for another tenant’s plan, task and discovery document, never their data', async () => {
      const id = await queuedPlan('v1-tenancy');
      const [task] = await listTasks(fleet.resources.db, id);
      const notFound = [
        await get(`/api/v1/masterplan/${id}`, outsider),
        await get(`/api/v1/task/${task!.id}`, outsider),
        await post(`/api/v1/task/${task!.id}/retry`, {}, outsider),
        await post('/api/v1/masterplan/execute', { masterplanId: id }, outsider),
      ];
      for (const res of notFound) {
        expect(res.status).toBe(404);
        expect(Object.keys(res.body)).toEqual(['error']);
        expect(JSON.stringify(res.body)).not.toContain('v1-tenancy');
      }
      const discovery = await post('/api/v1/discovery/start', { requirements: 'mine' });
      const linked = await post(
        '/api/v1/masterplan/generate',
        { ...threeFilePlan('steal'), discoveryId: discovery.body.discoveryId },
        outsider,
      );
      expect(linked.status).toBe(404);
      expect((await findPlan(fleet.resources.db, id))?.status).toBe('queued');
    });
  });
});
