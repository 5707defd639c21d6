import request from 'supertest';
import { listBatchRequests, listPlanUsage, listTasks, type UsageEvent } from '@mge/db';
import { costOf } from '@mge/llm';
import { fakeAnthropicEnv, startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import {
  answer,
  draft,
  drafts,
  milestone1,
  milestone2,
  skeleton,
  testDesigns,
} from '@test/planner-answers';
import { analysedDiscovery } from '@test/planner-flow';

jest.setTimeout(120_000);

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * The planner's task drafts and test designs in batch mode: their first attempts go through the
 * Message Batches API (the same accumulator, reservations and poller as atoms) at half price; a
 * refused batch answer is retried directly with its diagnostics. Every answer comes from the local
 * Messages-API server, scripted (SCRIPTED answers, not a model's).
 */
describe('drafting through the Message Batches API (MGE_LLM_BATCH=first-attempts)', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let discoveryId: string;

  beforeAll(async () => {
    fake = await startFakeAnthropic([], { batchProcessingMs: 300 });
    fleet = await startTestFleet({
      ...fakeAnthropicEnv(fake),
      MGE_LLM_TIMEOUT_MS: '5000',
      MGE_LLM_BATCH: 'first-attempts',
      MGE_LLM_BATCH_FLUSH_MS: '200',
      MGE_LLM_BATCH_POLL_MS: '250',
      MGE_PLANNER_ATTEMPTS: '3',
      MGE_PLANNER_REPAIR_ROUNDS: '1',
      MGE_MAX_ATTEMPTS: '2',
    });
    discoveryId = await analysedDiscovery(fleet.app, auth, fake);
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
  });

  /**
   * A valid MasterPlan of the library (three undrafted tasks, two tests to design), approved; with
   * the fake's batch and direct-call counts at approval.
   */
  async function approvedPlan(
    ...answers: Parameters<FakeAnthropic['script']>
  ): Promise<{ planId: string; batches: number; direct: number }> {
    fake.script(answer(skeleton), answer(milestone1), answer(milestone2));
    const generated = await request(fleet.app)
      .post('/api/v1/masterplan/generate')
      .set(auth)
      .send({ discoveryId });
    expect(generated.status).toBe(202);
    const planId = (generated.body as { masterplanId: string }).masterplanId;
    await planIn(fleet.resources.db, planId, ['queued']);
    const [batches, direct] = [fake.batches.length, fake.requests.length];
    fake.script(...answers);
    const approved = await request(fleet.app)
      .post(`/api/v1/masterplan/${planId}/approve`)
      .set(auth)
      .send({});
    expect(approved.status).toBe(202);
    return { planId, batches, direct };
  }

  /** The prompts of every batch request and of every direct call since the counts given. */
  const since = (batches: number, direct: number) => ({
    batched: fake.batches
      .slice(batches)
      .flatMap((b) => b.requests.map((q) => q.params.messages[0]!.content)),
    direct: fake.requests.slice(direct).map((q) => q.messages[0]!.content),
  });
  const files = (prompts: string[], prefix: string) =>
    prompts.flatMap((p) => (p.startsWith(prefix) ? [/^\S+ (?:\S+ )*?(\S+\.ts)/.exec(p)![1]] : []));

  /** A usage row's dollars at `channel`'s price for the same tokens. */
  const priced = (u: UsageEvent, channel: 'standard' | 'batch') =>
    costOf(
      {
        inputTokens: u.inputTokens,
        outputTokens: u.outputTokens,
        cachedTokens: u.cachedTokens,
        cacheWriteTokens: u.cacheWriteTokens,
      },
      u.model,
      fleet.config.llm.prices,
      channel,
    ).dollars;

  it("sends each draft's and each design's first attempt in a batch, paid at half price, and completes the plan", async () => {
    const { db } = fleet.resources;
    const { planId, batches, direct } = await approvedPlan(
      draft(drafts.ids),
      draft(drafts.catalog),
      draft(drafts.loans),
      ...testDesigns(),
    );
    const plan = await planIn(db, planId, SETTLED);
    expect({ status: plan.status, error: plan.error }).toEqual({
      status: 'completed',
      error: null,
    });

    const { batched, direct: calls } = since(batches, direct);
    // Drafts in dependency order (each level waits for its batch), designs beside the first.
    expect(files(batched, 'File to draft: ')).toEqual([
      'src/ids.ts',
      'src/catalog.ts',
      'src/loans.ts',
    ]);
    expect(files(batched, 'Test file to design: ').sort()).toEqual([
      'test/ids.test.ts',
      'test/loans.test.ts',
    ]);
    // Nothing of the drafting phase called directly (atoms went through batches too).
    expect(calls.filter((p) => /^(Test file to design|File to draft): /.test(p))).toEqual([]);
    expect(calls).toEqual([]);

    const tasks = await listTasks(db, planId);
    expect(tasks.map((t) => [t.key, t.attempt, t.code])).toEqual([
      ['ids', 1, drafts.ids],
      ['catalog', 1, drafts.catalog],
      ['loans', 1, drafts.loans],
    ]);
    const requests = await listBatchRequests(db, planId);
    const taskIds = new Set(tasks.map((t) => t.id));
    const draftRequests = requests.filter((q) => q.taskId && taskIds.has(q.taskId));
    expect(draftRequests.map((q) => [q.state, q.job?.queue])).toEqual(
      Array<[string, string]>(3).fill(['answered', 'draft']),
    );
    const designRequests = requests.filter((q) => !q.atomId && !q.taskId);
    expect(designRequests.map((q) => q.job?.payload.test).sort()).toEqual([
      'test/ids.test.ts',
      'test/loans.test.ts',
    ]);

    // Drafts and designs paid once each, on the batch channel, at half the standard price.
    const usage = await listPlanUsage(db, planId);
    const drafting = usage.filter((u) => u.channel === 'batch' && !u.atomId);
    expect(drafting.filter((u) => u.taskId && taskIds.has(u.taskId))).toHaveLength(3);
    expect(drafting.filter((u) => !u.taskId)).toHaveLength(2);
    for (const u of drafting) {
      expect(u.dollars).toBeGreaterThan(0);
      expect(u.dollars).toBeCloseTo(priced(u, 'standard') / 2, 6);
      expect(u.dollars).toBeCloseTo(priced(u, 'batch'), 6);
    }
    expect(usage.filter((u) => u.taskId && taskIds.has(u.taskId))).toHaveLength(3);
  });

  it('retries a draft whose batch answer fails validation directly, with the diagnostics', async () => {
    const { db } = fleet.resources;
    const { planId, batches, direct } = await approvedPlan(
      draft(drafts.ids.replace('export function newBookId(raw: string)', 'export function (((')),
      draft(drafts.ids),
      draft(drafts.catalog),
      draft(drafts.loans),
      ...testDesigns(),
    );
    const plan = await planIn(db, planId, SETTLED);
    expect(plan.status).toBe('completed');

    const { batched, direct: calls } = since(batches, direct);
    expect(files(batched, 'File to draft: ')).toEqual([
      'src/ids.ts',
      'src/catalog.ts',
      'src/loans.ts',
    ]);
    // The one direct call: ids' second attempt, with the syntax error as feedback.
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^File to draft: src\/ids\.ts/);
    expect(calls[0]).toMatch(/Attempt 2\. The previous draft failed validation:\nline 5: syntax: /);

    const tasks = await listTasks(db, planId);
    expect(tasks.map((t) => [t.key, t.attempt])).toEqual([
      ['ids', 2],
      ['catalog', 1],
      ['loans', 1],
    ]);
    const ids = tasks[0]!.id;
    const idsUsage = (await listPlanUsage(db, planId)).filter((u) => u.taskId === ids);
    expect(idsUsage.map((u) => [u.attempt, u.channel])).toEqual([
      [1, 'batch'],
      [2, 'standard'],
    ]);
  });
});

/**
 * Planner-only fleets (no executor): the planner role runs the batch poller itself, so its drafts'
 * batches are collected; `MGE_LLM_BATCH=generation` keeps the drafting phase direct. The same
 * drafts and designs in both modes: the same calls and tokens, half the dollars in batch mode.
 */
describe('planner-only fleets, drafting through batches or directly', () => {
  /** Drafts a planned plan on a fresh server and planner-only fleet; the drafting phase's figures. */
  async function draftingPhase(
    mode: 'first-attempts' | 'generation',
    channel: 'batch' | 'standard',
  ) {
    const fake = await startFakeAnthropic([], { batchProcessingMs: 300 });
    const fleet = await startTestFleet(
      {
        ...fakeAnthropicEnv(fake),
        MGE_LLM_TIMEOUT_MS: '5000',
        MGE_LLM_BATCH: mode,
        MGE_LLM_BATCH_FLUSH_MS: '200',
        MGE_LLM_BATCH_POLL_MS: '250',
      },
      ['planner'],
    );
    try {
      const { db } = fleet.resources;
      const discoveryId = await analysedDiscovery(fleet.app, auth, fake);
      fake.script(answer(skeleton), answer(milestone1), answer(milestone2));
      const generated = await request(fleet.app)
        .post('/api/v1/masterplan/generate')
        .set(auth)
        .send({ discoveryId });
      const planId = (generated.body as { masterplanId: string }).masterplanId;
      await planIn(db, planId, ['queued']);
      const planning = new Set((await listPlanUsage(db, planId)).map((u) => u.id));
      fake.script(draft(drafts.ids), draft(drafts.catalog), draft(drafts.loans), ...testDesigns());
      const started = Date.now();
      const approved = await request(fleet.app)
        .post(`/api/v1/masterplan/${planId}/approve`)
        .set(auth)
        .send({});
      expect(approved.status).toBe(202);
      // Drafted: the plan moves on to atomization (no atomizer runs here).
      expect((await planIn(db, planId, ['atomizing', ...SETTLED])).status).toBe('atomizing');
      const ms = Date.now() - started;
      const tasks = await listTasks(db, planId);
      expect(tasks.map((t) => [t.code, t.attempt])).toEqual([
        [drafts.ids, 1],
        [drafts.catalog, 1],
        [drafts.loans, 1],
      ]);
      // Three drafts and two designs, after the planning calls (which never go through batches).
      const drafting = (await listPlanUsage(db, planId)).filter((u) => !planning.has(u.id));
      expect(drafting.map((u) => u.channel)).toEqual(Array<string>(5).fill(channel));
      expect(drafting.filter((u) => u.taskId)).toHaveLength(3);
      const batched = channel === 'batch' ? 5 : 0;
      expect(fake.batches.flatMap((b) => b.requests)).toHaveLength(batched);
      expect((await listBatchRequests(db, planId)).map((q) => q.state)).toEqual(
        Array<string>(batched).fill('answered'),
      );
      return {
        calls: drafting.length,
        tokens: drafting.reduce(
          (t, u) => t + u.inputTokens + u.outputTokens + u.cachedTokens + u.cacheWriteTokens,
          0,
        ),
        dollars: drafting.reduce((t, u) => t + u.dollars, 0),
        ms,
      };
    } finally {
      await fleet.stop();
      await fake.close();
    }
  }

  it('collects its own batches, and drafts for half the price of MGE_LLM_BATCH=generation', async () => {
    const direct = await draftingPhase('generation', 'standard');
    const batch = await draftingPhase('first-attempts', 'batch');
    expect(batch.calls).toBe(direct.calls);
    expect(batch.tokens).toBe(direct.tokens);
    // Half, up to the ledger's rounding of each row to a millionth of a dollar.
    expect(Math.abs(batch.dollars - direct.dollars / 2)).toBeLessThanOrEqual(batch.calls * 1e-6);
    process.stdout.write(
      `drafting phase (SCRIPTED local Messages API server): ${JSON.stringify({ generation: direct, 'first-attempts': batch })}\n`,
    );
  }, 120_000);
});
