import request from 'supertest';
import { countAtomsByStatus, listAtoms } from '@mge/db';
import { startFleetBreakingAdd } from '@test/faulty-llm';
import { ADMIN_TOKEN, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('when an atom fails every attempt', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    ({ fleet } = await startFleetBreakingAdd());
  }, 30_000);
  afterAll(() => fleet?.stop());

  const settled = (id: string) => planIn(fleet.resources.db, id, SETTLED);

  it('blocks its dependents, and a human edit through the API unblocks them and the plan completes', async () => {
    const submitted = await request(fleet.app)
      .post('/api/v2/plans')
      .set(auth)
      .send(threeFilePlan('review-edit'));
    expect(submitted.status).toBe(202);
    const planId = submitted.body.id as string;

    const stuck = await settled(planId);
    expect(stuck.status).toBe('needs_review');
    const counts = await countAtomsByStatus(fleet.resources.db, planId);
    expect(counts.failed).toBe(1);
    expect(counts.blocked).toBeGreaterThan(0);

    const queue = await request(fleet.app).get(`/api/v2/review-queue/${planId}`).set(auth);
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(1);
    const [item] = queue.body.items;
    expect(item).toMatchObject({
      status: 'open',
      reason: expect.stringMatching(/failed L1 validation on all 3 attempts/),
      atom: { file: 'src/math.ts', status: 'failed', attempts: 3 },
    });

    // L2 checks the human's code in its file: dropping a declared export is refused with the diagnostics.
    const review = (body: object) =>
      request(fleet.app).post(`/api/v2/review/${item.atomId}`).set(auth).send(body);
    const lossy = await review({
      action: 'edit',
      code: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
    });
    expect(lossy.status).toBe(400);
    expect(lossy.body.error.details.diagnostics[0]).toMatchObject({ level: 'module' });

    const code = (item.atom.code as string).replace('return a + b;', 'return b + a;');
    const edited = await review({ action: 'edit', code, note: 'commuted by hand' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'edited', planId });
    expect(edited.body.reopened.length).toBe(counts.blocked);

    const done = await settled(planId);
    expect(done.status).toBe('completed');
    const atoms = await listAtoms(fleet.resources.db, planId);
    expect(atoms.every((a) => a.status === 'validated')).toBe(true);
    expect(atoms.find((a) => a.id === item.atomId)?.code).toContain('return b + a;');

    const history = await request(fleet.app).get(`/api/v2/review-queue/${planId}`).set(auth);
    expect(history.body.items[0]).toMatchObject({
      status: 'edited',
      note: 'commuted by hand',
      resolvedBy: `${fleet.tenantId}/MGE_ADMIN_TOKEN`,
      resolvedAt: expect.any(String),
    });
  }, 60_000);
});
