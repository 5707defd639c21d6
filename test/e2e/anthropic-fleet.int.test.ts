import { findPlan, listAtoms, listPlanUsage } from '@mge/db';
import { costOf } from '@mge/llm';
import { submitPlan } from '@mge/pipeline';
import { startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

describe('a plan generated through the real Anthropic SDK', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;

  beforeAll(async () => {
    // One of each trouble before the answers flow: rate limit, overload, garbage, a hang.
    fake = await startFakeAnthropic([
      { kind: 'status', status: 429, retryAfterSeconds: 1 },
      { kind: 'status', status: 529, retryAfterSeconds: 1 },
      { kind: 'malformed' },
      { kind: 'hang', ms: 3000 },
    ]);
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: fake.url,
      MGE_LLM_MAX_RETRIES: '0',
      MGE_LLM_TIMEOUT_MS: '1000',
      MGE_GENERATE_CONCURRENCY: '1',
    });
  }, 30_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  it('completes despite 429, 529, a malformed body and a timeout, without spending atom attempts', async () => {
    const { db } = fleet.resources;
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, threeFilePlan());
    const plan = await waitFor(
      async () => {
        const p = await findPlan(db, planId);
        return p && !['atomizing', 'graphing', 'generating', 'validating'].includes(p.status)
          ? p
          : undefined;
      },
      'the plan to finish',
      60_000,
    );
    expect(plan.status).toBe('completed');

    const atoms = await listAtoms(db, planId);
    expect(atoms.every((a) => a.status === 'validated' && a.attempt === 1)).toBe(true);
    // Four failed requests plus one answer per atom: nothing was asked twice after an answer.
    expect(fake.requests).toHaveLength(4 + atoms.length);
    expect(fake.reported.responses).toBe(atoms.length);

    const usage = await listPlanUsage(db, planId);
    expect(usage).toHaveLength(atoms.length);
    const sum = (pick: (u: (typeof usage)[number]) => number) =>
      usage.reduce((t, u) => t + pick(u), 0);
    expect(sum((u) => u.inputTokens)).toBe(fake.reported.input);
    expect(sum((u) => u.outputTokens)).toBe(fake.reported.output);
    expect(sum((u) => u.cachedTokens)).toBe(fake.reported.cacheRead);
    expect(sum((u) => u.cacheWriteTokens)).toBe(fake.reported.cacheWrite);
    const expectedDollars = usage.reduce(
      (t, u) =>
        t +
        costOf(
          {
            inputTokens: u.inputTokens,
            outputTokens: u.outputTokens,
            cachedTokens: u.cachedTokens,
            cacheWriteTokens: u.cacheWriteTokens,
          },
          u.model,
          fleet.config.llm.prices,
        ).dollars,
      0,
    );
    expect(expectedDollars).toBeGreaterThan(0);
    expect(plan.spentDollars).toBeCloseTo(expectedDollars, 5);
    expect(plan.spentTokens).toBe(
      fake.reported.input +
        fake.reported.output +
        fake.reported.cacheRead +
        fake.reported.cacheWrite,
    );
  }, 60_000);
});
