import request from 'supertest';
import {
  createApiKey,
  ensureTenant,
  findPlan,
  listPlanUsage,
  listTasks,
  updateModeSettings,
} from '@mge/db';
import {
  plannerFleetEnv,
  startFakeAnthropic,
  type FakeAnthropic,
  type Scripted,
} from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import {
  answer,
  broken,
  discovery,
  invalidJson,
  milestone1,
  milestone2,
  refusal,
  REQUIREMENTS,
  skeleton,
  testDesigns,
  truncated,
} from '@test/planner-answers';
import { planIn } from '@test/plan-status';
import { waitFor } from '@test/services';

jest.setTimeout(60_000);

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The planner role against the local Messages-API server, through the v1 API. */
describe('the planner: requirements -> discovery -> MasterPlan -> approval', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fleet = await startTestFleet(plannerFleetEnv(fake.url), ['planner']);
    // Approved plans start in MVP mode here, where no executor runs: nothing after approval
    // asks the model (V2 drafting, on the planner role, is test/e2e/task-drafting.int.test.ts).
    await updateModeSettings(fleet.resources.db, { defaultMode: 'mvp' }, 'test');
  }, 30_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  // Response bodies are JSON read by shape in these tests.
  /* eslint-disable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call */
  const post = (path: string, body: object) => request(fleet.app).post(path).set(auth).send(body);
  const get = (path: string) => request(fleet.app).get(path).set(auth);

  /** The prompt text of the request `back` places from the last. */
  const promptOf = (index: number) => fake.requests[index]!.messages[0]!.content;

  async function discoveryOf(...steps: Scripted[]) {
    fake.script(...steps);
    const started = await post('/api/v1/discovery/start', { requirements: REQUIREMENTS });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'analyzing', analysis: null });
    const id = started.body.discoveryId as string;
    return waitFor(async () => {
      const res = await get(`/api/v1/discovery/${id}`);
      return res.body.status === 'analyzing' ? undefined : res.body;
    }, `discovery ${id} to settle`);
  }

  async function planOf(discoveryId: string | object, ...steps: Scripted[]) {
    fake.script(...steps);
    const body = typeof discoveryId === 'string' ? { discoveryId } : discoveryId;
    const res = await post('/api/v1/masterplan/generate', body);
    discoveryId = (body as { discoveryId: string }).discoveryId;
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'planning', discoveryId });
    const id = res.body.masterplanId as string;
    return waitFor(async () => {
      const plan = await get(`/api/v1/masterplan/${id}`);
      return plan.body.status === 'planning' ? undefined : plan.body;
    }, `plan ${id} to leave planning`);
  }

  let readyDiscovery: string;

  describe('discovery', () => {
    it('retries a truncated answer with feedback and stores the validated document with its cost', async () => {
      const before = fake.requests.length;
      const doc = await discoveryOf(truncated(discovery), answer(discovery));
      expect(doc).toMatchObject({ status: 'ready', attempts: 2, error: null });
      expect(doc.analysis.requirements.map((r: { id: string }) => r.id)).toEqual([
        'R1',
        'R2',
        'R3',
        'R4',
      ]);
      expect(promptOf(before + 1)).toContain('cut off at the output token limit');
      expect(doc.model).toEqual(expect.any(String));
      expect(doc.usage.inputTokens).toBeGreaterThan(0);
      expect(doc.usage.dollars).toBeGreaterThan(0);
      readyDiscovery = doc.discoveryId;
    });

    it('fails for good after refusals and invalid JSON, with the reason stored', async () => {
      const doc = await discoveryOf(refusal, invalidJson, invalidJson);
      expect(doc.status).toBe('failed');
      expect(doc.attempts).toBe(3);
      expect(doc.error).toMatch(
        /no usable answer in 3 attempts; last: the answer is not valid JSON/,
      );
      expect(doc.analysis).toBeNull();
    });

    it('answers 409 when asked for a masterplan of a discovery that is not ready', async () => {
      const doc = await discoveryOf(refusal, refusal, refusal);
      expect(doc.error).toContain('refusal');
      const res = await post('/api/v1/masterplan/generate', { discoveryId: doc.discoveryId });
      expect(res.status).toBe(409);
      expect(res.body.message ?? JSON.stringify(res.body)).toContain('failed');
    });
  });

  describe('masterplan generation', () => {
    it('writes a skeleton then each milestone with the discovery and skeleton as a cached prefix', async () => {
      const before = fake.requests.length;
      const plan = await planOf(
        readyDiscovery,
        refusal,
        answer(skeleton),
        invalidJson,
        answer(milestone1),
        answer(milestone2),
      );
      expect(plan.status).toBe('queued');
      expect(plan.masterplan.validation).toMatchObject({ valid: true, errors: [] });
      expect(plan.masterplan.validation.coverage.requirements).toEqual({
        total: 4,
        covered: 4,
        uncovered: [],
      });
      expect(plan.masterplan.document.tasks.map((t: { id: string }) => t.id)).toEqual([
        'ids',
        'catalog',
        'loans',
      ]);
      expect(plan.versions).toHaveLength(1);
      // Before anything runs: what writing the three undrafted tasks will likely cost.
      expect(plan.masterplan.estimate).toMatchObject({ tasks: 3 });
      expect(plan.masterplan.estimate.tokens).toBeGreaterThan(0);
      expect(plan.masterplan.estimate.dollars).toBeGreaterThan(0);
      // Refusal and invalid JSON were asked again with the reason.
      expect(promptOf(before + 1)).toContain('declined to answer');
      expect(promptOf(before + 3)).toContain('not valid JSON');
      // Both milestone steps share the cached prefix: discovery and skeleton in the system block.
      const systems = [3, 4].map((i) => JSON.stringify(fake.requests[before + i]!.system));
      expect(systems[0]).toBe(systems[1]);
      expect(systems[0]).toContain('cache_control');
      expect(systems[0]).toContain('Library loans');
      expect(systems[0]).toContain('Catalog and loans');
      // Planning costs count toward the plan's budget and the usage ledger.
      const usage = await listPlanUsage(fleet.resources.db, plan.id);
      expect(usage).toHaveLength(5);
      expect(usage.some((u) => u.cachedTokens > 0)).toBe(true);
      const stored = await findPlan(fleet.resources.db, plan.id);
      expect(stored!.spentDollars).toBeGreaterThan(0);
      // The relational tables hold the plan: tasks with their files, no code yet.
      const tasks = await listTasks(fleet.resources.db, plan.id);
      expect(tasks.map((t) => [t.key, t.file, t.code])).toEqual([
        ['ids', 'src/ids.ts', ''],
        ['catalog', 'src/catalog.ts', ''],
        ['loans', 'src/loans.ts', ''],
      ]);
    });

    it.each([
      ['a dependency cycle', broken.cycle, 'dependency_cycle'],
      ['a dangling dependency', broken.dangling, 'unknown_dependency'],
      ['an uncovered requirement', broken.uncovered, 'uncovered_requirement'],
    ])('repairs %s with the validator errors as feedback', async (_what, bad, code) => {
      const before = fake.requests.length;
      const plan = await planOf(
        readyDiscovery,
        answer(skeleton),
        answer(milestone1),
        answer(bad),
        answer(milestone2),
      );
      expect(plan.status).toBe('queued');
      expect(plan.masterplan.validation.valid).toBe(true);
      const repair = promptOf(before + 3);
      expect(repair).toContain(`- ${code} at `);
      expect(repair).toContain('milestone M2');
      // Each step went out on the plan's stream as it happened, validation feedback included.
      const entries = await fleet.resources.events.readAfter(plan.id, 0, 1000);
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      const steps = entries.flatMap(({ event: e }) =>
        e?.type === 'planner' ? [[e.step, e.status, e.attempt ?? '', e.message ?? '']] : [],
      );
      const milestones = skeleton.milestones;
      expect(steps.map((x) => x.slice(0, 3).join(' ').trim())).toEqual([
        'retrieval done',
        'skeleton started',
        'skeleton calling 1',
        'skeleton done 1',
        `milestone:${milestones[0]!.id} started`,
        `milestone:${milestones[0]!.id} calling 1`,
        `milestone:${milestones[0]!.id} done 1`,
        `milestone:${milestones[1]!.id} started`,
        `milestone:${milestones[1]!.id} calling 1`,
        `milestone:${milestones[1]!.id} done 1`,
        'validation failed',
        'repair:1 started',
        `repair:1:${milestones[1]!.id} started`,
        `repair:1:${milestones[1]!.id} calling 1`,
        `repair:1:${milestones[1]!.id} done 1`,
        'validation done',
        'masterplan done',
      ]);
      expect(steps[7]![3]).toBe(`milestone 2 of 2: ${milestones[1]!.name}`);
      expect(steps[10]![3]).toContain(`version 1: ${code} at `);
      expect(entries.filter((e) => e.event?.type === 'cost')).toHaveLength(4);
      expect(entries.at(-1)!.event).toEqual({ type: 'plan', status: 'queued' });
      const history = await get(`/api/v1/masterplan/${plan.id}/versions`);
      expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(history.body.history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'generated',
            data: expect.objectContaining({ actor: 'planner', version: 1 }),
          }),
          expect.objectContaining({
            kind: 'repaired',
            data: expect.objectContaining({ actor: 'planner', version: 2 }),
          }),
        ]),
      );
    });

    it('shows what repair could not fix, refuses approval, and approves after an edit', async () => {
      const plan = await planOf(
        readyDiscovery,
        answer(skeleton),
        answer(milestone1),
        answer(broken.dangling),
        answer(broken.dangling),
      );
      expect(plan.status).toBe('queued');
      expect(plan.masterplan.validation.valid).toBe(false);
      expect(plan.masterplan.validation.errors).toEqual([
        expect.objectContaining({ code: 'unknown_dependency', path: 'tasks[2].dependsOn[2]' }),
      ]);
      const refused = await post(`/api/v1/masterplan/${plan.id}/approve`, {});
      expect(refused.status).toBe(409);
      expect(JSON.stringify(refused.body)).toContain('unknown task \\"payments\\"');

      const edited = await request(fleet.app)
        .patch(`/api/v1/masterplan/${plan.id}`)
        .set(auth)
        .send({ tasks: [{ id: 'loans', dependsOn: ['catalog', 'ids'] }] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ version: 3, validation: { valid: true } });
      const diff = await get(`/api/v1/masterplan/${plan.id}/diff?from=2&to=3`);
      expect(diff.body.diff.tasks).toEqual({
        added: [],
        removed: [],
        changed: [{ id: 'loans', fields: ['dependsOn'] }],
      });

      fake.script(...testDesigns());
      const approved = await post(`/api/v1/masterplan/${plan.id}/approve`, {});
      expect(approved.status).toBe(202);
      // In MVP mode the planned tests are designed first, then the model writes each task's
      // whole file.
      expect(approved.body).toMatchObject({ mode: 'mvp', status: 'drafting' });
      await planIn(fleet.resources.db, plan.id, ['generating']);
      const tasks = await listTasks(fleet.resources.db, plan.id);
      const job = await fleet.resources.queues['generate-task'].getJob(`task:${tasks[0]!.id}:1`);
      expect(job).toBeDefined();
    });

    it('starts on its own under its budget when asked to and the plan validates', async () => {
      const plan = await planOf(
        { discoveryId: readyDiscovery, approve: true, budget: { dollars: 5 } },
        answer(skeleton),
        answer(milestone1),
        answer(milestone2),
        ...testDesigns(),
      );
      expect(plan.masterplan.validation.valid).toBe(true);
      const stored = await planIn(fleet.resources.db, plan.id, ['generating']);
      expect(stored).toMatchObject({ status: 'generating', mode: 'mvp', budgetDollars: 5 });
      expect(stored.spentDollars).toBeGreaterThan(0);
      expect(stored.spentDollars).toBeLessThan(5);
    });

    it('stops planning when the plan budget is spent, with the reason stored', async () => {
      const before = fake.requests.length;
      const plan = await planOf(
        { discoveryId: readyDiscovery, budget: { dollars: 0.000001 } },
        answer(skeleton),
      );
      expect(plan.status).toBe('failed');
      expect(plan.error).toMatch(/milestone:M1.*budget of \$0.000001 is spent/);
      // The skeleton was paid for; nothing was asked after the budget ran out.
      expect(fake.requests.length - before).toBe(1);
    });

    it('rejects an edit that is not a MasterPlan, naming the field', async () => {
      const plan = await planOf(
        readyDiscovery,
        answer(skeleton),
        answer(milestone1),
        answer(milestone2),
      );
      const res = await request(fleet.app)
        .patch(`/api/v1/masterplan/${plan.id}`)
        .set(auth)
        .send({ tasks: [{ id: 'loans', estimatedLoc: 'many' }] });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('estimatedLoc');
    });

    it('cancels a plan while it is being planned, aborting the model call in flight', async () => {
      const before = fake.requests.length;
      fake.script({ kind: 'hang', ms: 20_000 });
      const res = await post('/api/v1/masterplan/generate', { discoveryId: readyDiscovery });
      const id = res.body.masterplanId as string;
      await waitFor(
        () => Promise.resolve(fake.requests.length > before ? true : undefined),
        'the skeleton request',
      );
      const cancelled = await post(`/api/v2/plans/${id}/cancel`, {});
      expect(cancelled.status).toBeLessThan(300);
      const job = await fleet.resources.queues.masterplan.getJob(`masterplan:${id}:1`);
      await waitFor(
        async () => ((await job!.getState()) === 'active' ? undefined : true),
        'the masterplan job to stop',
      );
      const plan = await findPlan(fleet.resources.db, id);
      expect(plan).toMatchObject({ status: 'cancelled', error: 'cancelled by request' });
      expect(fake.requests.length).toBe(before + 1);
    });

    it("answers 404 for another tenant's discovery and plan", async () => {
      const other = await ensureTenant(fleet.resources.db, 'planner-outsider');
      const key = { authorization: `Bearer ${await createApiKey(fleet.resources.db, other.id)}` };
      const doc = await request(fleet.app).get(`/api/v1/discovery/${readyDiscovery}`).set(key);
      expect(doc.status).toBe(404);
      const generated = await request(fleet.app)
        .post('/api/v1/masterplan/generate')
        .set(key)
        .send({ discoveryId: readyDiscovery });
      expect(generated.status).toBe(404);
    });
  });
});
