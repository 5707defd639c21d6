import { createHash } from 'node:crypto';
import { resolvePlanMode, rolloutDraw, type ModeSettings } from './plan-mode.js';

const TENANT = '7d0c5a52-1b43-4d7e-9a57-2a0f3b8e9c11';
const PLAN = 'c3f1e2d4-5b6a-4789-8abc-def012345678';
const noRollout: ModeSettings = { defaultMode: 'v2', rolloutPercent: null };

/** UUID-shaped ids from a fixed sequence: as spread as random ones, but the test never flakes. */
function planIdNumber(i: number): string {
  const h = createHash('sha256').update(`plan-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

describe('resolvePlanMode', () => {
  describe('precedence: plan override > tenant override > rollout > default', () => {
    const base = { tenantId: TENANT, planId: PLAN };

    it('takes the plan override over everything else', () => {
      expect(
        resolvePlanMode({
          ...base,
          planOverride: 'mvp',
          tenantOverride: 'v2',
          settings: { defaultMode: 'v2', rolloutPercent: 100 },
        }),
      ).toEqual({ mode: 'mvp', decidedBy: 'plan' });
    });

    it('takes the tenant override over the rollout and the default', () => {
      expect(
        resolvePlanMode({
          ...base,
          tenantOverride: 'mvp',
          settings: { defaultMode: 'v2', rolloutPercent: 100 },
        }),
      ).toEqual({ mode: 'mvp', decidedBy: 'tenant' });
    });

    it('draws from the rollout when one is set, ignoring the default', () => {
      expect(
        resolvePlanMode({ ...base, settings: { defaultMode: 'mvp', rolloutPercent: 100 } }),
      ).toEqual({ mode: 'v2', decidedBy: 'rollout' });
      expect(
        resolvePlanMode({ ...base, settings: { defaultMode: 'v2', rolloutPercent: 0 } }),
      ).toEqual({ mode: 'mvp', decidedBy: 'rollout' });
    });

    it('falls back to the default without overrides or rollout', () => {
      expect(resolvePlanMode({ ...base, settings: noRollout })).toEqual({
        mode: 'v2',
        decidedBy: 'default',
      });
      expect(
        resolvePlanMode({
          ...base,
          planOverride: null,
          tenantOverride: null,
          settings: { defaultMode: 'mvp', rolloutPercent: null },
        }),
      ).toEqual({ mode: 'mvp', decidedBy: 'default' });
    });
  });

  describe('when 30% of plans are rolled out to v2', () => {
    const settings: ModeSettings = { defaultMode: 'mvp', rolloutPercent: 30 };
    const planIds = Array.from({ length: 1000 }, (_, i) => planIdNumber(i));
    const modeOf = (planId: string) => resolvePlanMode({ tenantId: TENANT, planId, settings }).mode;

    it('assigns close to 30% of 1,000 plan ids to v2', () => {
      const v2 = planIds.filter((id) => modeOf(id) === 'v2').length;
      // Within 3 points of 30% (Binomial(1000, 0.3) has a standard deviation of 1.45 points).
      expect(v2).toBeGreaterThanOrEqual(270);
      expect(v2).toBeLessThanOrEqual(330);
    });

    it('always gives the same id the same mode', () => {
      const first = planIds.map(modeOf);
      expect(planIds.map(modeOf)).toEqual(first);
    });

    it('keeps a plan in v2 when the rollout grows', () => {
      const wider = (planId: string) =>
        resolvePlanMode({
          tenantId: TENANT,
          planId,
          settings: { defaultMode: 'mvp', rolloutPercent: 60 },
        }).mode;
      for (const id of planIds.filter((i) => modeOf(i) === 'v2')) expect(wider(id)).toBe('v2');
    });
  });

  describe('rolloutDraw', () => {
    it('is a fixed number in [0, 100) for a (tenant, plan) pair', () => {
      const draw = rolloutDraw(TENANT, PLAN);
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(100);
      expect(rolloutDraw(TENANT, PLAN)).toBe(draw);
      // Pinned: a change of hash would move live plans between modes.
      expect(draw.toFixed(6)).toBe('74.613637');
    });

    it('depends on the tenant too', () => {
      const other = '0b9e6c7a-8f21-4c3d-b5e4-1a2b3c4d5e6f';
      expect(rolloutDraw(other, PLAN)).not.toBe(rolloutDraw(TENANT, PLAN));
    });
  });
});
