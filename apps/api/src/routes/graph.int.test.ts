import request from 'supertest';
import { findPlan } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('dependency graph and execution waves API', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startTestFleet();
  }, 30_000);
  afterAll(() => fleet?.stop());

  describe('when the posted source is large or does not parse', () => {
    // First in this file: no plan is being processed by the in-process fleet (whose validation
    // would hold the same loop).
    it('builds on the graph pool, keeping the event loop free', async () => {
      const files = Array.from({ length: 4 }, (_, f) => ({
        path: `m${f}.ts`,
        code: Array.from(
          { length: 400 },
          (_, i) => `export function f${f}_${i}(a: number): number {\n  return a + ${i};\n}`,
        ).join('\n'),
      }));
      // The longest the loop went without running a timer: the whole build when it is blocked.
      let last = Date.now();
      let longestStall = 0;
      const timer = setInterval(() => {
        longestStall = Math.max(longestStall, Date.now() - last);
        last = Date.now();
      }, 5);
      const started = Date.now();
      const res = await request(fleet.app)
        .post('/api/v2/dependency-graph/build')
        .set(auth)
        .send({ files });
      clearInterval(timer);
      longestStall = Math.max(longestStall, Date.now() - last);
      const took = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.body.atoms.length).toBeGreaterThan(400);
      console.log({ longestStall, took });
      expect(longestStall).toBeLessThan(took / 2);
    }, 60_000);

    it('answers 400 naming the file that does not parse', async () => {
      const res = await request(fleet.app)
        .post('/api/v2/dependency-graph/build')
        .set(auth)
        .send({ files: [{ path: 'broken.py', code: 'def broken(:\n    pass\n' }] });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input' });
      expect(res.body.error.message).toContain('broken.py');
    });
  });

  describe('when a plan has been graphed', () => {
    let planId: string;
    beforeAll(async () => {
      const res = await request(fleet.app).post('/api/v2/plans').set(auth).send(threeFilePlan());
      planId = res.body.id;
      await waitFor(async () => {
        const plan = await findPlan(fleet.resources.db, planId);
        return plan && !['queued', 'atomizing', 'graphing'].includes(plan.status)
          ? plan
          : undefined;
      }, 'the plan to be graphed');
    }, 60_000);

    it('returns its atoms, edges and waves, every edge going to a later wave', async () => {
      const res = await request(fleet.app).get(`/api/v2/dependency-graph/${planId}`).set(auth);
      expect(res.status).toBe(200);
      expect(res.body.atomCount).toBe(res.body.atoms.length);
      expect(res.body.waveCount).toBe(res.body.waves.length);
      const wave = new Map<string, number>();
      (res.body.waves as string[][]).forEach((ids, i) => ids.forEach((id) => wave.set(id, i)));
      for (const e of res.body.edges as { from: string; to: string }[])
        expect(wave.get(e.from)!).toBeLessThan(wave.get(e.to)!);
    });

    it('returns the waves with atom statuses, and an SVG picture', async () => {
      const waves = await request(fleet.app).get(`/api/v2/execution-waves/${planId}`).set(auth);
      expect(waves.status).toBe(200);
      expect(waves.body.waves[0]).toMatchObject({ index: 0, atoms: expect.any(Array) });
      const svg = await request(fleet.app).get(`/api/v2/dependency-graph/${planId}.svg`).set(auth);
      expect(svg.status).toBe(200);
      expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
      expect(String(svg.text ?? svg.body)).toContain('wave 1');
    });
  });

  it('answers 404 for a plan of another tenant or an unknown plan, and 400 for a bad id', async () => {
    expect(
      (
        await request(fleet.app)
          .get('/api/v2/dependency-graph/00000000-0000-4000-8000-000000000000')
          .set(auth)
      ).status,
    ).toBe(404);
    const bad = await request(fleet.app).get('/api/v2/execution-waves/nope').set(auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
  });

  it('builds the graph of posted files without storing anything', async () => {
    const res = await request(fleet.app)
      .post('/api/v2/dependency-graph/build')
      .set(auth)
      .send({
        files: [
          { path: 'calc.py', code: 'def calculate(x):\n    return x * 2\n' },
          { path: 'main.py', code: 'from calc import calculate\n\nprint(calculate(1))\n' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.edges).toContainEqual(
      expect.objectContaining({ from: 'calc.py#0', kind: 'import' }),
    );
    expect(res.body.waves[0]).toContain('calc.py#0');
    const bad = await request(fleet.app)
      .post('/api/v2/dependency-graph/build')
      .set(auth)
      .send({ files: [] });
    expect(bad.status).toBe(400);
  });
});
