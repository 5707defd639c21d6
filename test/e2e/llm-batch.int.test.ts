import { syntheticPlan } from '@mge/bench';
import type { PlanInput } from '@mge/core';
import {
  findPlan,
  listAtoms,
  listBatchRequests,
  listPlanUsage,
  listTasks,
  type UsageEvent,
} from '@mge/db';
import { costOf, type ModelPrice } from '@mge/llm';
import { submitPlan } from '@mge/pipeline';
import { startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import {
  startFleetWithExecutorProcesses,
  startTestFleet,
  type SplitFleet,
  type TestFleet,
} from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

const anthropicEnv = (fake: FakeAnthropic): Record<string, string> => ({
  MGE_LLM_PROVIDER: 'anthropic',
  ANTHROPIC_API_KEY: 'sk-ant-test-key',
  ANTHROPIC_BASE_URL: fake.url,
  MGE_LLM_MAX_RETRIES: '0',
  MGE_LLM_TIMEOUT_MS: '5000',
});

const batchEnv: Record<string, string> = {
  MGE_LLM_BATCH: 'first-attempts',
  MGE_LLM_BATCH_FLUSH_MS: '200',
  MGE_LLM_BATCH_POLL_MS: '250',
};

async function finished(fleet: TestFleet, planId: string, timeoutMs = 90_000) {
  return waitFor(
    async () => {
      const p = await findPlan(fleet.resources.db, planId);
      return p && ['completed', 'failed', 'needs_review'].includes(p.status) ? p : undefined;
    },
    'the plan to finish',
    timeoutMs,
  );
}

/** A usage row's dollars as its channel's price makes them (batch: half). */
function priced(u: UsageEvent, prices: Record<string, ModelPrice>, channel = u.channel): number {
  const usage = {
    inputTokens: u.inputTokens,
    outputTokens: u.outputTokens,
    cachedTokens: u.cachedTokens,
    cacheWriteTokens: u.cacheWriteTokens,
  };
  return costOf(usage, u.model, prices, channel).dollars;
}

/** Every custom id the fake's batches received. */
const batchedIds = (fake: FakeAnthropic) =>
  fake.batches.flatMap((b) => b.requests.map((r) => r.custom_id));

describe('first attempts through the Message Batches API (MGE_LLM_BATCH=first-attempts)', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;

  beforeAll(async () => {
    // SCRIPTED server: the first batch answer is code L1 refuses, the second request errors.
    fake = await startFakeAnthropic([], {
      batchProcessingMs: 300,
      batchScript: ['mangled', 'errored'],
    });
    fleet = await startTestFleet({ ...anthropicEnv(fake), ...batchEnv });
  }, 30_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  it('completes a plan, paying batch answers at half price and retrying with feedback directly', async () => {
    const { db } = fleet.resources;
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, threeFilePlan('batch'));
    const plan = await finished(fleet, planId);
    expect(plan.status).toBe('completed');

    const atoms = await listAtoms(db, planId);
    expect(atoms.every((a) => a.status === 'validated')).toBe(true);
    // Every atom's first attempt went into a batch, once.
    const ids = batchedIds(fake);
    expect(ids).toHaveLength(atoms.length);
    expect(new Set(ids).size).toBe(atoms.length);
    const requests = await listBatchRequests(db, planId);
    expect(requests.map((r) => r.state).sort()).toEqual(
      ['errored', ...Array<string>(atoms.length - 1).fill('answered')].sort(),
    );
    // Direct calls: the refused answer's retry (attempt 2, with the error in its prompt) and the
    // errored request's first attempt.
    expect(fake.requests).toHaveLength(2);
    expect(
      fake.requests.filter((r) => /previous attempt failed/.test(r.messages[0]!.content)),
    ).toHaveLength(1);
    expect(atoms.filter((a) => a.attempt === 2)).toHaveLength(1);

    const usage = await listPlanUsage(db, planId);
    const batch = usage.filter((u) => u.channel === 'batch');
    const standard = usage.filter((u) => u.channel === 'standard');
    expect(batch).toHaveLength(atoms.length - 1);
    expect(standard).toHaveLength(2);
    expect(standard.map((u) => u.attempt).sort()).toEqual([1, 2]);
    // The ledger: batch rows at half the standard price of the same tokens.
    const { prices } = fleet.config.llm;
    for (const u of batch) {
      expect(u.dollars).toBeGreaterThan(0);
      expect(u.dollars).toBeCloseTo(priced(u, prices, 'standard') / 2, 6);
    }
    for (const u of standard) expect(u.dollars).toBeCloseTo(priced(u, prices), 6);
    expect(plan.spentDollars).toBeCloseTo(
      usage.reduce((t, u) => t + u.dollars, 0),
      5,
    );
    // Tokens as the server reported them, batch and direct together.
    expect(usage.reduce((t, u) => t + u.inputTokens + u.outputTokens, 0)).toBe(
      fake.reported.input + fake.reported.output,
    );
  }, 120_000);
});

describe('an MVP plan in batch mode', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;

  beforeAll(async () => {
    fake = await startFakeAnthropic([], { batchProcessingMs: 300 });
    fleet = await startTestFleet({ ...anthropicEnv(fake), ...batchEnv });
  }, 30_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  it("writes each task's whole file through a batch, paid once at half price", async () => {
    const { db } = fleet.resources;
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, {
      ...threeFilePlan('batch-mvp'),
      mode: 'mvp',
    });
    const plan = await finished(fleet, planId);
    expect(plan.status).toBe('completed');
    const tasks = await listTasks(db, planId);
    expect(tasks.every((t) => t.status === 'generated' && t.attempt === 1)).toBe(true);
    expect(fake.requests).toHaveLength(0);
    expect(batchedIds(fake)).toHaveLength(tasks.length);
    const usage = await listPlanUsage(db, planId);
    expect(usage.map((u) => u.taskId).sort()).toEqual(tasks.map((t) => t.id).sort());
    for (const u of usage) {
      expect(u.channel).toBe('batch');
      expect(u.dollars).toBeCloseTo(priced(u, fleet.config.llm.prices, 'standard') / 2, 6);
    }
  }, 120_000);
});

describe('the same plan with and without batch mode', () => {
  it('costs half in batch mode for the same tokens', async () => {
    const plan: PlanInput = syntheticPlan({ functions: 12, seed: 11 });
    const figures: Record<string, { calls: number; tokens: number; dollars: number; ms: number }> =
      {};
    for (const mode of ['default', 'batch'] as const) {
      const fake = await startFakeAnthropic([], { batchProcessingMs: 200 });
      const fleet = await startTestFleet({
        ...anthropicEnv(fake),
        ...(mode === 'batch' ? batchEnv : {}),
      });
      try {
        const started = Date.now();
        const { planId } = await submitPlan(fleet.resources, fleet.tenantId, plan);
        const done = await finished(fleet, planId);
        expect(done.status).toBe('completed');
        const usage = await listPlanUsage(fleet.resources.db, planId);
        expect(usage.every((u) => u.channel === (mode === 'batch' ? 'batch' : 'standard'))).toBe(
          true,
        );
        figures[mode] = {
          calls: usage.length,
          tokens: usage.reduce(
            (t, u) => t + u.inputTokens + u.outputTokens + u.cachedTokens + u.cacheWriteTokens,
            0,
          ),
          dollars: done.spentDollars,
          ms: Date.now() - started,
        };
      } finally {
        await fleet.stop();
        await fake.close();
      }
    }
    const { default: direct, batch } = figures;
    expect(batch!.calls).toBe(direct!.calls);
    expect(batch!.tokens).toBe(direct!.tokens);
    // Half, up to the ledger's rounding of each row to a millionth of a dollar.
    expect(Math.abs(batch!.dollars - direct!.dollars / 2)).toBeLessThanOrEqual(batch!.calls * 1e-6);
    process.stdout.write(
      `batch pricing (SCRIPTED local Messages API server): ${JSON.stringify(figures)}\n`,
    );
  }, 180_000);
});

describe('when the executor is SIGKILLed while its batch is in progress', () => {
  let fake: FakeAnthropic;
  let fleet: SplitFleet;

  beforeAll(async () => {
    // Batches stay in progress until the test lets them end.
    fake = await startFakeAnthropic([], { batchProcessingMs: 3_600_000 });
    const env = { ...anthropicEnv(fake), MGE_JOB_LOCK_MS: '2000' };
    fleet = await startFleetWithExecutorProcesses(env, { ...env, ...batchEnv });
  }, 30_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  it('resumes polling from Postgres after a restart, losing nothing and paying once', async () => {
    const { db } = fleet.resources;
    const victim = fleet.spawnExecutor();
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, {
      ...syntheticPlan({ functions: 20, seed: 7 }),
      description: `batch restart ${Date.now()}`,
    });
    // Every atom that is running waits in a submitted batch, and the batch is in progress.
    await waitFor(async () => {
      const [atoms, requests] = await Promise.all([
        listAtoms(db, planId),
        listBatchRequests(db, planId),
      ]);
      const running = atoms.filter((a) => a.status === 'running').length;
      const submitted = requests.filter((r) => r.state === 'submitted');
      return running > 0 && submitted.length === running && submitted.every((r) => r.batchId)
        ? true
        : undefined;
    }, 'the first batch to be submitted');
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    const inProgress = fake.batches.length;
    fake.setBatchProcessingMs(300);
    fleet.spawnExecutor();

    const plan = await finished(fleet, planId, 120_000);
    expect(victim.signalCode).toBe('SIGKILL');
    expect(plan.status).toBe('completed');
    expect(inProgress).toBeGreaterThan(0);

    const atoms = await listAtoms(db, planId);
    expect(atoms.every((a) => a.status === 'validated' && a.attempt === 1)).toBe(true);
    // Each atom's prompt went to the provider once: in one batch, never directly.
    expect(fake.requests).toHaveLength(0);
    const ids = batchedIds(fake);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(atoms.length);
    // ... and was paid once, at the batch price.
    const usage = await listPlanUsage(db, planId);
    expect(usage).toHaveLength(atoms.length);
    expect(new Set(usage.map((u) => u.atomId)).size).toBe(atoms.length);
    expect(usage.every((u) => u.channel === 'batch')).toBe(true);
    expect(fake.reported.responses).toBe(atoms.length);
    const requests = await listBatchRequests(db, planId);
    expect(requests.every((r) => r.state === 'answered')).toBe(true);
  }, 180_000);
});
