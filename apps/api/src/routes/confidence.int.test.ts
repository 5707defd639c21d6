import request from 'supertest';
import { createApiKey, ensureTenant, humanReviewQueue, listAtoms } from '@mge/db';
import {
  atomConfidence,
  fitConfidenceModel,
  predict,
  type ConfidenceFeatures,
} from '@mge/validation';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import { threeFilePlan } from '@test/plans';
import { seedConfidenceDecisions } from '@test/review-decisions';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('confidence that learns from the tenant’s review decisions', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_FAULT_RATE: '0',
      MGE_SIM_LATENCY_MS: '0',
    });
  }, 30_000);
  afterAll(() => fleet?.stop());

  const completedPlan = async (name: string) => {
    const res = await request(fleet.app).post('/api/v2/plans').set(admin).send(threeFilePlan(name));
    const plan = await planIn(fleet.resources.db, res.body.id, SETTLED);
    expect(plan.status).toBe('completed');
    return plan.id;
  };

  it('scores with the formula until enough decisions accrue, then with the model fitted to them', async () => {
    const { db } = fleet.resources;
    const first = await completedPlan('confidence-first');
    const atoms = await listAtoms(db, first);
    // Every scored atom keeps what its score was computed from.
    for (const a of atoms) expect(a.confidenceFeatures).toMatchObject({ attempts: 1 });

    const before = await request(fleet.app).get('/api/v2/confidence').set(admin);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ decisions: 0, scorer: 'formula', learned: null });
    expect(before.body.calibration.formula.brier).toBeNull();

    // Reviewers' verdicts (seeded rows, as the review endpoint writes them): a reviewer rejects
    // every third low-confidence atom. A failure review is not a confidence decision.
    const rows = await seedConfidenceDecisions(
      db,
      first,
      atoms.map((a) => a.id),
      24,
    );
    await db.insert(humanReviewQueue).values({
      ...rows[0]!,
      reason: 'failed L1 validation on all 3 attempts: seeded',
      status: 'edited',
    });

    const after = await request(fleet.app).get('/api/v2/confidence').set(admin);
    expect(after.body).toMatchObject({ decisions: 24, approved: 16, scorer: 'learned' });
    expect(after.body.learned).toHaveLength(after.body.features.length);
    for (const side of ['formula', 'learned'] as const) {
      const { brier, bins } = after.body.calibration[side] as {
        brier: number;
        bins: { count: number }[];
      };
      expect(brier).toBeGreaterThanOrEqual(0);
      expect(brier).toBeLessThanOrEqual(1);
      expect(bins.reduce((n, b) => n + b.count, 0)).toBe(24);
    }

    // Another tenant sees none of it.
    const other = await ensureTenant(db, 'confidence-outsider');
    const outsider = { authorization: `Bearer ${await createApiKey(db, other.id, 'admin')}` };
    const theirs = await request(fleet.app).get('/api/v2/confidence').set(outsider);
    expect(theirs.body).toMatchObject({ decisions: 0, scorer: 'formula' });

    // The next plan is scored by the learned model.
    const second = await completedPlan('confidence-second');
    const model = fitConfidenceModel(
      rows.map((r) => ({
        features: atoms.find((a) => a.id === r.atomId)!.confidenceFeatures as ConfidenceFeatures,
        right: r.status === 'approved',
      })),
    );
    const scored = await listAtoms(db, second);
    // Not the formula's score any more: the rejections moved it.
    expect(
      scored.some(
        (a) =>
          Math.abs(
            a.confidence! -
              atomConfidence({ ...(a.confidenceFeatures as ConfidenceFeatures), validated: true }),
          ) > 0.05,
      ),
    ).toBe(true);
    for (const a of scored)
      expect(a.confidence).toBeCloseTo(
        predict(model, a.confidenceFeatures as ConfidenceFeatures),
        3,
      );
  }, 60_000);
});
