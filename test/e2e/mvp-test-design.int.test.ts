import request from 'supertest';
import { findPlanKeepingInput, listValidation } from '@mge/db';
import {
  fakeAnthropicEnv,
  startFakeAnthropic,
  type FakeAnthropic,
  type Scripted,
} from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import {
  answer,
  designed,
  designs,
  drafts,
  milestone1,
  milestone2,
  skeleton,
  testDesigns,
} from '@test/planner-answers';
import { analysedDiscovery } from '@test/planner-flow';

jest.setTimeout(120_000);

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The MVP engine's answer for one task: the whole file (a prompt for `file` only). */
const whole = (file: string, code: string): Scripted => ({
  kind: 'text',
  text: code,
  when: `File: ${file}\n`,
});

/**
 * A planned plan run in MVP mode: the model writes each task's whole file, and the planned tests
 * without code are designed first (the test designer, before any code exists) and run at L4. Every
 * model answer comes from the local Messages-API server, SCRIPTED (not a model's); Redis, Postgres
 * and BullMQ are real.
 */
describe('MVP mode runs the planned tests the test designer writes', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let discoveryId: string;

  const post = (path: string, body: object) => request(fleet.app).post(path).set(auth).send(body);

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fleet = await startTestFleet({ ...fakeAnthropicEnv(fake), MGE_PLANNER_ATTEMPTS: '2' });
    // This tenant's plans run in MVP mode.
    const mode = await post('/api/v2/mode', { tenant: { id: fleet.tenantId, mode: 'mvp' } });
    expect(mode.status).toBe(200);
    discoveryId = await analysedDiscovery(fleet.app, auth, fake);
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  /** Generates the library's MasterPlan, approves it with `answers` scripted, waits for the end. */
  async function run(...answers: Scripted[]) {
    fake.script(answer(skeleton), answer(milestone1), answer(milestone2));
    const generated = await post('/api/v1/masterplan/generate', { discoveryId });
    expect(generated.status).toBe(202);
    const planId = generated.body.masterplanId as string;
    await planIn(fleet.resources.db, planId, ['queued']);
    const before = fake.requests.length;
    fake.script(...answers);
    const approved = await post(`/api/v1/masterplan/${planId}/approve`, {});
    expect(approved.status).toBe(202);
    expect(approved.body.mode).toBe('mvp');
    const plan = await planIn(fleet.resources.db, planId, [...SETTLED, 'needs_review', 'paused']);
    const prompts = fake.requests.slice(before).map((q) => q.messages[0]!.content);
    return { plan, prompts };
  }

  const wholeFiles = () => [
    whole('src/ids.ts', drafts.ids),
    whole('src/catalog.ts', drafts.catalog),
    whole('src/loans.ts', drafts.loans),
  ];

  it('designs the tests before any file is written, and they pass at L4', async () => {
    const { plan, prompts } = await run(...testDesigns(), ...wholeFiles());
    expect({ status: plan.status, error: plan.error, mode: plan.mode }).toEqual({
      status: 'completed',
      error: null,
      mode: 'mvp',
    });
    // Both designs were asked for before the first whole file: no code existed to fit them to.
    const designAt = prompts
      .map((p, i) => (p.startsWith('Test file to design: ') ? i : -1))
      .filter((i) => i >= 0);
    const firstFile = prompts.findIndex((p) => p.startsWith('File: '));
    expect(designAt).toHaveLength(2);
    expect(firstFile).toBeGreaterThan(Math.max(...designAt));
    // MVP wrote the files whole (no draft prompts) and the designed tests ran at L4.
    expect(prompts.filter((p) => p.startsWith('File to draft: '))).toEqual([]);
    const { db } = fleet.resources;
    const stored = await findPlanKeepingInput(db, plan.id);
    expect(stored!.input.tests.map((t) => t.file).sort()).toEqual([
      'test/ids.test.ts',
      'test/loans.test.ts',
    ]);
    const system = (await listValidation(db, plan.id)).filter((v) => v.level === 'system');
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((v) => v.passed)).toBe(true);
  });

  it('does not complete when the written code fails a designed test', async () => {
    const { plan } = await run(
      designed('test/ids.test.ts', designs.ids),
      designed('test/loans.test.ts', designs.loansStrict),
      ...wholeFiles(),
      ...wholeFiles(),
    );
    expect(plan.mode).toBe('mvp');
    expect(plan.status).not.toBe('completed');
    const system = (await listValidation(fleet.resources.db, plan.id)).filter(
      (v) => v.level === 'system',
    );
    expect(system.some((v) => !v.passed)).toBe(true);
  });
});
