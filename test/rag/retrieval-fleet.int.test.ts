/**
 * Retrieval in the fleet, end to end on real services: a private `chroma run` (the chromadb npm
 * package's server), Redis, Postgres, and the real Anthropic SDK against the local Messages API
 * server. A completed plan is indexed for its tenant (and no other); the next plan's atom prompts
 * carry its code within the token budget, and the plan records what they carried.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { PlanInput } from '@mge/core';
import { ensureChroma } from '@mge/cli';
import { eq } from 'drizzle-orm';
import {
  createApiKey,
  ensureTenant,
  findPlan,
  listAtoms,
  listPlanRetrievals,
  masterplans,
} from '@mge/db';
import { indexCompletedPlan, promptSnippets, reconcile, submitPlan } from '@mge/pipeline';
import { chromaClient, SHARED_EXAMPLES, tenantCollection } from '@mge/rag';
import { runMge } from '@test/cli';
import { startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

const BUDGET = 120;

/** A second plan of the same tenant whose one function resembles the first plan's `mean`. */
function averagePlan(): PlanInput {
  return {
    name: 'averages',
    language: 'typescript',
    tasks: [
      {
        id: 'average',
        title: 'Average of samples',
        description: 'the arithmetic mean of a list of numbers, 0 when empty',
        file: 'src/average.ts',
        dependsOn: [],
        code: 'export function meanOfSamples(xs: number[]): number {\n  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;\n}\n',
      },
    ],
    tests: [],
  };
}

describe('retrieval over Chroma in the fleet', () => {
  let dir: string;
  let chroma: Awaited<ReturnType<typeof ensureChroma>>;
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let firstPlan: string;
  let tenantKey: { authorization: string };
  let outsiderKey: { authorization: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mge-rag-fleet-'));
    chroma = await ensureChroma(undefined, path.join(dir, 'chroma'));
    fake = await startFakeAnthropic();
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: fake.url,
      CHROMA_URL: chroma.url,
      MGE_RAG: 'on',
      MGE_RAG_TOKEN_BUDGET: String(BUDGET),
    });
    const { db } = fleet.resources;
    tenantKey = { authorization: `Bearer ${await createApiKey(db, fleet.tenantId)}` };
    const outsider = await ensureTenant(db, 'outsider');
    outsiderKey = { authorization: `Bearer ${await createApiKey(db, outsider.id)}` };
    firstPlan = (await submitPlan(fleet.resources, fleet.tenantId, threeFilePlan())).planId;
    expect((await planIn(db, firstPlan, SETTLED)).status).toBe('completed');
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
    await chroma?.stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexed the bundled examples into the shared collection at start', async () => {
    const shared = await chromaClient(chroma.url).getCollection({ name: SHARED_EXAMPLES });
    expect(await shared.count()).toBeGreaterThan(10);
  });

  it("makes a completed plan's validated atoms searchable for its tenant", async () => {
    const { body } = await waitFor(async () => {
      const res = await request(fleet.app)
        .get('/api/v1/rag/search')
        .query({ q: 'mean of a list of numbers', language: 'typescript' })
        .set(tenantKey);
      return (res.body.results as { source: string }[] | undefined)?.some(
        (s) => s.source === 'plans',
      )
        ? res
        : undefined;
    }, 'the first plan to be indexed');
    const fromPlan = (body.results as { source: string; sourceId: string; code: string }[]).filter(
      (s) => s.source === 'plans',
    );
    expect(fromPlan.some((s) => s.code.includes('export function mean('))).toBe(true);
    expect(fromPlan.every((s) => s.sourceId.startsWith(`plan:${firstPlan}:`))).toBe(true);
  }, 30_000);

  it("never shows one tenant's plans or documents to another", async () => {
    const outsider = await request(fleet.app)
      .get('/api/v1/rag/search')
      .query({ q: 'mean of a list of numbers sum xs' })
      .set(outsiderKey);
    expect(outsider.status).toBe(200);
    const sources = (outsider.body.results as { source: string; sourceId: string }[]).map(
      (s) => s.source,
    );
    expect(sources).not.toContain('plans');
    expect(JSON.stringify(outsider.body)).not.toContain(firstPlan);

    const upload = await request(fleet.app)
      .post('/api/v1/rag/documents')
      .set(outsiderKey)
      .send({ file: 'notes/ledger.md', text: '# Ledger rules\n\nEvery zorblax entry balances.\n' });
    expect(upload.status).toBe(201);
    expect(upload.body).toEqual({ file: 'notes/ledger.md', indexed: 1 });
    const own = await request(fleet.app)
      .get('/api/v1/rag/search')
      .query({ q: 'zorblax ledger' })
      .set(outsiderKey);
    expect(own.body.results[0]).toMatchObject({ source: 'documents', file: 'notes/ledger.md' });
    const other = await request(fleet.app)
      .get('/api/v1/rag/search')
      .query({ q: 'zorblax ledger' })
      .set(tenantKey);
    expect(JSON.stringify(other.body)).not.toContain('zorblax');
  });

  it('is searched and fed from the command line through the API (mge rag search / upload)', async () => {
    const server = fleet.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const api = `http://127.0.0.1:${port}`;
      const env = {
        ...process.env,
        MGE_API_KEY: outsiderKey.authorization.slice('Bearer '.length),
      };
      const notes = path.join(dir, 'glossary.md');
      writeFileSync(notes, '# Glossary\n\nA quuxmeter measures quux.\n');
      const upload = await runMge(
        ['rag', 'upload', notes, '--as', 'docs/glossary.md', '--api', api],
        { env },
      );
      expect(upload.stderr).toContain('docs/glossary.md: 1 document(s) indexed');
      expect(upload.code).toBe(0);
      const search = await runMge(['rag', 'search', 'what measures quux', '--json', '--api', api], {
        env,
      });
      expect(search.code).toBe(0);
      const { results } = JSON.parse(search.stdout) as {
        results: { file: string; source: string }[];
      };
      expect(results[0]).toMatchObject({ file: 'docs/glossary.md', source: 'documents' });
      const noKey = await runMge(['rag', 'search', 'x', '--api', api], {
        env: { ...process.env, MGE_API_KEY: '', MGE_ADMIN_TOKEN: '' },
      });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toMatch(/MGE_API_KEY/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it('answers 400 naming the bad field', async () => {
    const noQuery = await request(fleet.app).get('/api/v1/rag/search').set(tenantKey);
    expect(noQuery.status).toBe(400);
    expect(JSON.stringify(noQuery.body)).toMatch(/q/);
    const badPath = await request(fleet.app)
      .post('/api/v1/rag/documents')
      .set(tenantKey)
      .send({ file: '../etc/passwd', text: 'x' });
    expect(badPath.status).toBe(400);
    expect(JSON.stringify(badPath.body)).toMatch(/file/);
  });

  it('re-indexing a plan replaces its documents instead of adding copies', async () => {
    const collection = await chromaClient(chroma.url).getCollection({
      name: tenantCollection(fleet.tenantId, 'plans'),
    });
    const before = await collection.count();
    const context = { logger: fleet.resources.logger } as Parameters<typeof indexCompletedPlan>[2];
    await indexCompletedPlan(fleet.resources, { planId: firstPlan }, context);
    await indexCompletedPlan(fleet.resources, { planId: firstPlan }, context);
    expect(await collection.count()).toBe(before);
  });

  it('indexes a completed plan whose index job Redis lost, from the reconciler', async () => {
    const { db } = fleet.resources;
    await waitFor(
      async () => (await findPlan(db, firstPlan))?.ragIndexedAt ?? undefined,
      'the first plan to be marked indexed',
    );
    const collection = await chromaClient(chroma.url).getCollection({
      name: tenantCollection(fleet.tenantId, 'plans'),
    });
    const before = await collection.count();
    // As if the job never ran: its documents gone, the plan not marked, no job left.
    await collection.delete({ where: { group: `plan:${firstPlan}` } });
    await db.update(masterplans).set({ ragIndexedAt: null }).where(eq(masterplans.id, firstPlan));
    await fleet.resources.queues['rag-index'].clean(0, 1000, 'completed');
    expect(await collection.count()).toBe(0);

    const { jobs } = await reconcile(fleet.resources);
    expect(jobs).toBe(1);
    await waitFor(
      async () => (await findPlan(db, firstPlan))?.ragIndexedAt ?? undefined,
      'the reconciler to have the plan indexed again',
    );
    expect(await collection.count()).toBe(before);
  }, 30_000);

  it("puts the first plan's code into the second plan's atom prompt, within the budget, and records it", async () => {
    const { db } = fleet.resources;
    const sent = fake.requests.length;
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, averagePlan());
    expect((await planIn(db, planId, SETTLED)).status).toBe('completed');

    const [atom] = (await listAtoms(db, planId)).filter((a) => a.name === 'meanOfSamples');
    expect(atom).toBeDefined();
    const prompts = fake.requests.slice(sent).map((r) => r.messages.map((m) => m.content).join(''));
    const prompt = prompts.find((p) => p.includes('Atom: function meanOfSamples'));
    expect(prompt).toBeDefined();
    expect(prompt).toContain('Related validated code from earlier plans');
    expect(prompt).toContain('export function mean(xs: number[]): number');

    const used = await listPlanRetrievals(db, planId);
    const forAtom = used.filter((u) => u.subjectId === atom!.id);
    expect(
      forAtom.some((u) => u.source === 'plans' && u.sourceId.startsWith(`plan:${firstPlan}:`)),
    ).toBe(true);
    for (const u of forAtom) expect(prompt).toContain(u.code);
    const bySubject = new Map<string, number>();
    for (const u of used) bySubject.set(u.subjectId, (bySubject.get(u.subjectId) ?? 0) + u.tokens);
    for (const tokens of bySubject.values()) expect(tokens).toBeLessThanOrEqual(BUDGET);
    // The budget did the trimming: without it the same query finds more than fits.
    const unbounded = await fleet.resources.rag!.retrieve({
      tenantId: fleet.tenantId,
      query: `function meanOfSamples in src/average.ts\n${atom!.draftCode}`,
      language: 'typescript',
      tokenBudget: 100_000,
      include: 'code',
    });
    expect(unbounded.reduce((t, s) => t + s.tokens, 0)).toBeGreaterThan(BUDGET);

    // Every later attempt or re-run of the atom reuses what was recorded, whatever the index holds.
    const plan = (await findPlan(db, planId))!;
    const again = await promptSnippets(fleet.resources, plan, {
      kind: 'atom',
      id: atom!.id,
      query: 'zorblax ledger, nothing like the first query',
    });
    expect(again.map((s) => s.code)).toEqual(forAtom.map((u) => u.code));

    const api = await request(fleet.app).get(`/api/v2/plans/${planId}/retrievals`).set(tenantKey);
    expect(api.status).toBe(200);
    expect(api.body.retrievals).toHaveLength(used.length);
    expect(api.body.nextCursor).toBeNull();
    // Paged one at a time, the pages are the same rows in the same order, each once.
    expect(used.length).toBeGreaterThan(1);
    const paged: { subjectId: string; rank: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(fleet.app)
        .get(`/api/v2/plans/${planId}/retrievals?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        .set(tenantKey);
      expect(page.status).toBe(200);
      expect(page.body.retrievals.length).toBeLessThanOrEqual(1);
      paged.push(...page.body.retrievals);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged.map((r) => [r.subjectId, r.rank])).toEqual(used.map((u) => [u.subjectId, u.rank]));
    const badCursor = await request(fleet.app)
      .get(`/api/v2/plans/${planId}/retrievals?cursor=nope`)
      .set(tenantKey);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toMatch(/cursor/);
    const outsider = await request(fleet.app)
      .get(`/api/v2/plans/${planId}/retrievals`)
      .set(outsiderKey);
    expect(outsider.status).toBe(404);
    expect((await findPlan(db, planId))?.tenantId).toBe(fleet.tenantId);
  }, 120_000);
});

describe('when Chroma does not answer', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_FAULT_RATE: '0',
      MGE_SIM_LATENCY_MS: '0',
      // Nothing listens on port 1.
      CHROMA_URL: 'http://127.0.0.1:1',
      MGE_RAG: 'on',
    });
  }, 60_000);
  afterAll(() => fleet?.stop());

  it('still generates the plan, without snippets and without recording any', async () => {
    const { db } = fleet.resources;
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, threeFilePlan());
    expect((await planIn(db, planId, SETTLED)).status).toBe('completed');
    expect(await listPlanRetrievals(db, planId)).toEqual([]);
  }, 60_000);

  it('answers search with 503 naming Chroma', async () => {
    const key = {
      authorization: `Bearer ${await createApiKey(fleet.resources.db, fleet.tenantId)}`,
    };
    const res = await request(fleet.app).get('/api/v1/rag/search').query({ q: 'x' }).set(key);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/Chroma did not answer/);
  });
});
