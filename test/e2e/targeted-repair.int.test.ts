import type { PlanInput } from '@mge/core';
import { findPlan, listAtoms, listValidation, loadAtomHistory, type Db } from '@mge/db';
import {
  OfflineProvider,
  type GenerateRequest,
  type GenerateResult,
  type LlmProvider,
} from '@mge/llm';
import { submitPlan, type OnDemandValidation } from '@mge/pipeline';
import { startTestFleet, type TestFleet } from '@test/fleet';
import { waitFor } from '@test/services';
import request from 'supertest';
import { ADMIN_TOKEN } from '@test/fleet';

/** A plan whose test pins `mean`: a wrong `mean` fails L4 and only L4. */
function statsPlan(): PlanInput {
  return {
    name: 'stats-repair',
    language: 'typescript',
    tasks: [
      {
        id: 'math',
        title: 'Math',
        description: 'add',
        file: 'src/math.ts',
        dependsOn: [],
        code: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      },
      {
        id: 'stats',
        title: 'Stats',
        description: 'sum and mean',
        file: 'src/stats.ts',
        dependsOn: ['math'],
        code:
          "import { add } from './math.js';\n\nexport function sum(xs: number[]): number {\n  return xs.reduce(add, 0);\n}\n\n" +
          'export function mean(xs: number[]): number {\n  return xs.length === 0 ? 0 : sum(xs) / xs.length;\n}\n',
      },
    ],
    tests: [
      {
        file: 'test/stats.test.ts',
        code:
          "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { mean, sum } from '../src/stats.js';\n\n" +
          "test('sum adds', () => {\n  assert.equal(sum([1, 2, 3]), 6);\n});\n\n" +
          "test('mean averages', () => {\n  assert.equal(mean([1, 2, 3]), 2);\n});\n",
      },
    ],
  };
}

/**
 * The fake at the outer edge: the offline answer (the draft), except that the first attempt at
 * `mean` divides by one too many, a logic fault that parses, type-checks and only a test catches.
 */
class OneBuggyAtomProvider implements LlmProvider {
  readonly name = 'offline' as const;
  readonly calls: { atomId: string; attempt: number }[] = [];
  private readonly offline = new OfflineProvider();

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    this.calls.push({ atomId: req.atomId, attempt: req.attempt });
    const result = await this.offline.generate(req);
    if (req.attempt === 1 && req.draftCode.includes('function mean'))
      return { ...result, text: result.text.replace('/ xs.length', '/ (xs.length + 1)') };
    return result;
  }
}

const meanAtom = async (db: Db, planId: string) =>
  (await listAtoms(db, planId)).find((a) => (a.code ?? a.draftCode).includes('function mean'))!;

describe('targeted repair', () => {
  let fleet: TestFleet;
  const llm = new OneBuggyAtomProvider();

  beforeAll(async () => {
    fleet = await startTestFleet();
    fleet.resources.llm = llm;
  }, 30_000);
  afterAll(() => fleet?.stop());

  describe('when a test fails in L4', () => {
    it('regenerates exactly the atom the failure points at, and the plan then completes', async () => {
      const { db } = fleet.resources;
      const { planId } = await submitPlan(fleet.resources, fleet.tenantId, statsPlan());
      const plan = await waitFor(
        async () => {
          const p = await findPlan(db, planId);
          return p && ['completed', 'failed', 'needs_review'].includes(p.status) ? p : undefined;
        },
        'the plan to finish',
        60_000,
      );
      expect(plan).toMatchObject({ status: 'completed', validationRound: 2 });

      const target = await meanAtom(db, planId);
      const regenerated = llm.calls.filter((c) => c.attempt > 1).map((c) => c.atomId);
      expect(regenerated).toEqual([target.id]);
      expect(target).toMatchObject({ attempt: 2, status: 'validated' });
      expect(target.confidence).toBeGreaterThan(0);
      // The refused attempt keeps the answer the system level refused (the code it had then).
      const { refused } = await loadAtomHistory(db, target.id);
      expect(refused).toEqual([
        expect.objectContaining({
          attempt: 1,
          errorCategory: 'system',
          answer: expect.stringContaining('mean'),
        }),
      ]);
      expect(refused[0]!.answer).not.toBe(target.code);

      const system = (await listValidation(db, planId)).filter((v) => v.level === 'system');
      expect(system.map((v) => v.passed)).toEqual([false, true]);
      expect(system[0]!.diagnostics).toEqual([
        expect.objectContaining({
          atomId: target.id,
          message: expect.stringContaining('mean averages'),
        }),
      ]);
    }, 90_000);
  });

  describe('POST /api/v2/validate/hierarchical', () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

    it('validates a plan document through L4 without storing anything', async () => {
      const res = await request(fleet.app)
        .post('/api/v2/validate/hierarchical')
        .set(auth)
        .send({ plan: statsPlan() });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ passed: true, failedLevel: null });
      const body = res.body as OnDemandValidation;
      expect(body.levels.map((l) => l.level)).toEqual(['module', 'module', 'component', 'system']);
    }, 30_000);

    it('reports the failing level and diagnostics of a broken plan', async () => {
      const plan = statsPlan();
      plan.tasks[1]!.code = plan.tasks[1]!.code.replace(
        'sum(xs) / xs.length',
        'sum(xs, 1) / xs.length',
      );
      const res = await request(fleet.app)
        .post('/api/v2/validate/hierarchical')
        .set(auth)
        .send({ plan, upTo: 'component' });
      const body = res.body as OnDemandValidation;
      expect(body.failedLevel).toBe('component');
      expect(body.levels.at(-1)!.diagnostics[0]!.message).toMatch(/TS2554/);
    }, 30_000);

    it('answers 404 for a plan of another tenant and 400 for a bad body', async () => {
      const missing = await request(fleet.app)
        .post('/api/v2/validate/hierarchical')
        .set(auth)
        .send({ planId: '00000000-0000-4000-8000-000000000000' });
      expect(missing.status).toBe(404);
      const bad = await request(fleet.app)
        .post('/api/v2/validate/hierarchical')
        .set(auth)
        .send({ planId: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_input');
    });
  });
});
