/**
 * Retrieval in the planner's prompts, on real services: a private `chroma run`, Redis, Postgres,
 * and the real Anthropic SDK against the local Messages-API server (SCRIPTED answers). A document
 * the tenant uploaded reaches its discovery and masterplan prompts, and retrieved snippets reach
 * the drafting prompts, each within `MGE_RAG_TOKEN_BUDGET` and recorded like atom snippets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ensureChroma } from '@mge/cli';
import {
  createApiKey,
  ensureTenant,
  findRetrievals,
  listPlanRetrievals,
  listTasks,
  type PlanRetrieval,
} from '@mge/db';
import { fakeAnthropicEnv, startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn } from '@test/plan-status';
import {
  answer,
  discovery,
  draft,
  designed,
  designs,
  drafts,
  milestone1,
  milestone2,
  REQUIREMENTS,
  skeleton,
} from '@test/planner-answers';
import { waitFor } from '@test/services';

jest.setTimeout(120_000);

const BUDGET = 200;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const POLICY =
  '# Lending policy\n\nA loan lasts 14 days. A member with an overdue loan cannot borrow another ' +
  'book until it is returned (the grimwald rule).\n';

describe('retrieval in the planner: discovery, masterplan and drafting prompts', () => {
  let dir: string;
  let chroma: Awaited<ReturnType<typeof ensureChroma>>;
  let fake: FakeAnthropic;
  let fleet: TestFleet;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mge-planner-rag-'));
    chroma = await ensureChroma(undefined, path.join(dir, 'chroma'));
    fake = await startFakeAnthropic();
    fleet = await startTestFleet(
      {
        ...fakeAnthropicEnv(fake),
        CHROMA_URL: chroma.url,
        MGE_RAG: 'on',
        MGE_RAG_TOKEN_BUDGET: String(BUDGET),
      },
      ['planner'],
    );
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await fake?.close();
    await chroma?.stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (p: string, body: object) => request(fleet.app).post(p).set(auth).send(body);
  const get = (p: string) => request(fleet.app).get(p).set(auth);
  const systemOf = (index: number) => JSON.stringify(fake.requests[index]!.system);
  const withinBudget = (rows: readonly { tokens: number; rank: number }[]) =>
    rows.filter((s) => s.rank >= 0).reduce((n, s) => n + s.tokens, 0) <= BUDGET;

  it('carries what the tenant uploaded into discovery and every masterplan step, and snippets into drafts', async () => {
    const upload = await post('/api/v1/rag/documents', { file: 'docs/lending.md', text: POLICY });
    expect(upload.status).toBe(201);

    // Discovery: the uploaded policy is in the prompt's system block, recorded for the document.
    let before = fake.requests.length;
    fake.script(answer(discovery));
    const started = await post('/api/v1/discovery/start', { requirements: REQUIREMENTS });
    const discoveryId = started.body.discoveryId as string;
    await waitFor(async () => {
      const res = await get(`/api/v1/discovery/${discoveryId}`);
      return res.body.status === 'ready' ? true : undefined;
    }, 'the discovery');
    expect(systemOf(before)).toContain('grimwald rule');
    expect(systemOf(before)).toContain('Related validated code from earlier plans and references');
    const forDiscovery = await findRetrievals(fleet.resources.db, discoveryId);
    expect(forDiscovery.some((s) => s.file === 'docs/lending.md')).toBe(true);
    expect(
      forDiscovery.every((s) => s.subjectKind === 'discovery' && s.masterplanId === null),
    ).toBe(true);
    expect(withinBudget(forDiscovery)).toBe(true);
    // The route shows what the prompt carried, in rank order; another tenant's is missing.
    const route = await get(`/api/v1/discovery/${discoveryId}/retrievals`);
    expect(route.status).toBe(200);
    type Shown = Pick<PlanRetrieval, 'subjectKind' | 'subjectId' | 'rank' | 'file' | 'tokens'>;
    const listed = (route.body as { retrievals: Shown[] }).retrievals;
    const fields = ({ subjectKind, subjectId, rank, file, tokens }: Shown) => ({
      subjectKind,
      subjectId,
      rank,
      file,
      tokens,
    });
    expect(listed.map(fields)).toEqual(forDiscovery.filter((s) => s.rank >= 0).map(fields));
    expect(listed.every((s) => s.subjectKind === 'discovery' && s.subjectId === discoveryId)).toBe(
      true,
    );
    expect(listed.some((s) => s.file === 'docs/lending.md')).toBe(true);
    const outsider = await createApiKey(
      fleet.resources.db,
      (await ensureTenant(fleet.resources.db, 'outsider')).id,
    );
    const hidden = await request(fleet.app)
      .get(`/api/v1/discovery/${discoveryId}/retrievals`)
      .set({ authorization: `Bearer ${outsider}` });
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain('lending');

    // Masterplan: one retrieval for the plan, the same reference in every step's cached prefix.
    before = fake.requests.length;
    fake.script(answer(skeleton), answer(milestone1), answer(milestone2));
    const generated = await post('/api/v1/masterplan/generate', { discoveryId });
    const planId = generated.body.masterplanId as string;
    await planIn(fleet.resources.db, planId, ['queued']);
    for (const i of [0, 1, 2]) expect(systemOf(before + i)).toContain('grimwald rule');
    expect(systemOf(before + 1)).toBe(systemOf(before + 2));

    // Drafting: each task's prompt carries the snippets retrieved for it, recorded.
    before = fake.requests.length;
    fake.script(
      draft(drafts.ids),
      draft(drafts.catalog),
      draft(drafts.loans),
      designed('test/ids.test.ts', designs.ids),
      designed('test/loans.test.ts', designs.loans),
    );
    const approved = await post(`/api/v1/masterplan/${planId}/approve`, {});
    expect(approved.body).toMatchObject({ status: 'drafting' });
    await planIn(fleet.resources.db, planId, ['atomizing', 'graphing', 'failed']);
    const recorded = await listPlanRetrievals(fleet.resources.db, planId);
    const tasks = await listTasks(fleet.resources.db, planId);
    expect(recorded.filter((s) => s.subjectKind === 'plan' && s.subjectId === planId).length).toBe(
      recorded.filter((s) => s.subjectId === planId).length,
    );
    expect(recorded.some((s) => s.subjectId === planId && s.file === 'docs/lending.md')).toBe(true);
    // The plan's route shows its planning steps' and its drafts' snippets.
    const planRoute = await get(`/api/v2/plans/${planId}/retrievals`);
    const planListed = (planRoute.body as { retrievals: { subjectKind: string }[] }).retrievals;
    expect(planListed).toHaveLength(recorded.length);
    expect(new Set(planListed.map((s) => s.subjectKind))).toEqual(new Set(['plan', 'task']));
    // Task drafts only (the test designer's prompts run beside them).
    const draftPrompts = fake.requests
      .slice(before)
      .map((q) => q.messages[0]!.content)
      .filter((p) => p.startsWith('File to draft: '));
    let carried = 0;
    for (const [i, task] of tasks.entries()) {
      const rows = await findRetrievals(fleet.resources.db, task.id);
      expect(rows.length).toBeGreaterThan(0);
      expect(withinBudget(rows)).toBe(true);
      const shown = rows.filter((s) => s.rank >= 0);
      // What was recorded is what the prompt carried.
      for (const s of shown) expect(draftPrompts[i]).toContain(s.code.trim().split('\n')[0]!);
      carried += shown.length;
    }
    expect(carried).toBeGreaterThan(0);
  });
});
