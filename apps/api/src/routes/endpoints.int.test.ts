import type { Express } from 'express';
import request from 'supertest';
import {
  createApiKey,
  createUser,
  ensureTenant,
  findPlan,
  findUser,
  insertConversation,
  insertDiscovery,
  issueApiKey,
  insertPlanWithTasks,
  listApiKeys,
  listAtoms,
  listTasks,
  transitionPlan,
} from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';
import { API_OPERATIONS } from '../api-routes.js';
import { openApiDocument } from '../openapi.js';
import type { ApiOperation } from '../route.js';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const VICTIM_PLAN_NAME = 'victim-plan';

/**
 * The ids a request names: the tenant's plan, one of its tasks and atoms, a user, a conversation,
 * a discovery document, an API key.
 */
type Ids = Record<NonNullable<ApiOperation['owns']>, string>;
const unknownIds: Ids = {
  plan: UNKNOWN,
  task: UNKNOWN,
  atom: UNKNOWN,
  user: UNKNOWN,
  conversation: UNKNOWN,
  discovery: UNKNOWN,
  apiKey: UNKNOWN,
};

/**
 * A valid body for each documented operation that takes one, naming `ids`: add a row with each
 * new such operation (a test below fails until you do).
 */
const BODIES: Record<string, (ids: Ids) => unknown> = {
  'POST /api/v2/plans': () => threeFilePlan('endpoint-coverage'),
  'POST /api/v2/plans/{id}/resume': () => ({}),
  'POST /api/v2/execute/wave': (ids) => ({ planId: ids.plan, wave: 0 }),
  'POST /api/v2/dependency-graph/build': () => ({
    files: [{ path: 'a.ts', code: 'export const a = 1;\n' }],
  }),
  'POST /api/v2/validate/hierarchical': (ids) => ({ planId: ids.plan }),
  'POST /api/v2/review/{atomId}': () => ({ action: 'approve' }),
  'POST /api/v2/review-queue/{planId}/tests': () => ({ file: 'test/a.test.ts', action: 'approve' }),
  'POST /api/v2/mode': () => ({ rolloutPercent: null }),
  'POST /api/v1/discovery/start': () => ({ requirements: 'endpoint coverage' }),
  'POST /api/v1/masterplan/generate': () => threeFilePlan('endpoint-coverage-v1'),
  'POST /api/v1/masterplan/execute': (ids) => ({ masterplanId: ids.plan }),
  'POST /api/v2/auth/session': () => ({ email: 'nobody@example.com', password: 'not anyones' }),
  'PATCH /api/v2/auth/me/notifications': () => ({ notifyOnFinish: true }),
  'POST /api/v2/auth/password-reset': () => ({ email: 'nobody@example.com' }),
  'POST /api/v2/auth/password-reset/confirm': () => ({
    token: 'a-token-no-email-ever-carried',
    password: 'a new password',
  }),
  'POST /api/v2/auth/invitations': () => ({ email: 'invitee@example.com' }),
  'PATCH /api/v2/users/{id}': () => ({ role: 'admin' }),
  'POST /api/v1/rag/documents': () => ({ file: 'notes/coverage.md', text: '# Coverage\n' }),
  'PATCH /api/v1/masterplan/{id}': () => ({ name: 'renamed by endpoint coverage' }),
  'POST /api/v2/api-keys': () => ({ role: 'member' }),
  'POST /api/v2/auth/invitations/accept': () => ({
    token: 'a-token-no-email-ever-carried',
    password: 'a new password',
  }),
  'POST /api/v1/chat/conversations': () => ({}),
  'POST /api/v1/chat/conversations/{id}/messages': () => ({ message: 'a victim reply' }),
};

/** A valid query string for each operation whose query has required fields. */
const QUERIES: Record<string, string> = {
  'GET /api/v1/masterplan/{id}/diff': '?from=1&to=1',
  'GET /api/v2/plans/{id}/file': '?path=src/math.ts',
};

/**
 * Public operations that succeed only with a credential of their own (a password, a session
 * cookie, an emailed token): without one they answer this documented error, not their success.
 * Their successes are tested in accounts.int.test.ts.
 */
const REFUSED_WITHOUT_CREDENTIAL: Record<string, number> = {
  'POST /api/v2/auth/session': 401,
  'POST /api/v2/auth/session/refresh': 403,
  'DELETE /api/v2/auth/session': 403,
  'POST /api/v2/auth/password-reset/confirm': 400,
  'POST /api/v2/auth/invitations/accept': 400,
};
/** What a public operation answers to a call with no credential. */
const publicStatus = (op: ApiOperation) =>
  REFUSED_WITHOUT_CREDENTIAL[name(op)] ?? op.success.status;

/** The ids of a list response's items, in order. */
const idsOf = (body: unknown) => (body as { items: { id: string }[] }).items.map((i) => i.id);
const name = (op: ApiOperation) => `${op.method.toUpperCase()} ${op.path}`;
/** The operation's path with every `{param}` set to `value`. */
const fill = (op: ApiOperation, value: string) => op.path.replace(/\{\w+\}/g, value);
/** Calls `op` on `path`, with a body when the operation takes one. */
function call(app: Express, op: ApiOperation, path: string, ids: Ids = unknownIds) {
  const req = request(app)[op.method](`${path}${QUERIES[name(op)] ?? ''}`);
  const body = BODIES[name(op)];
  return body && op.body ? req.send(body(ids) as object) : req;
}

// A WebSocket upgrade (status 101) is not an HTTP request/response: its tests are its own.
const httpOps = API_OPERATIONS.filter((op) => op.success.status !== 101);
const rows = (ops: readonly ApiOperation[]) => ops.map((op) => [name(op), op] as const);

describe('every documented endpoint', () => {
  let fleet: TestFleet;
  let victim: Ids;
  let outsider: { authorization: string };
  let outsiderAdmin: { authorization: string };
  let member: { authorization: string };

  beforeAll(async () => {
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_FAULT_RATE: '0',
      MGE_SIM_LATENCY_MS: '0',
      MGE_API_BODY_LIMIT_MB: '1',
    });
    const db = fleet.resources.db;
    const other = await ensureTenant(db, 'outsider');
    outsider = { authorization: `Bearer ${await createApiKey(db, other.id)}` };
    outsiderAdmin = { authorization: `Bearer ${await createApiKey(db, other.id, 'admin')}` };
    member = { authorization: `Bearer ${await createApiKey(db, fleet.tenantId)}` };
    const res = await request(fleet.app)
      .post('/api/v2/plans')
      .set(admin)
      .send(threeFilePlan(VICTIM_PLAN_NAME));
    const plan = await planIn(db, res.body.id, SETTLED);
    victim = {
      plan: plan.id,
      task: (await listTasks(db, plan.id))[0]!.id,
      atom: (await listAtoms(db, plan.id))[0]!.id,
      user: (
        await createUser(db, {
          tenantId: fleet.tenantId,
          email: 'victim@example.com',
          passwordHash: 'not a hash: never signs in',
          role: 'member',
        })
      ).id,
      conversation: (await insertConversation(db, fleet.tenantId, VICTIM_PLAN_NAME)).id,
      discovery: (await insertDiscovery(db, fleet.tenantId, VICTIM_PLAN_NAME)).id,
      apiKey: (await issueApiKey(db, fleet.tenantId)).id,
    };
  }, 60_000);
  afterAll(() => fleet?.stop());

  describe('the declared operations', () => {
    it('are each in the OpenAPI document, and nothing else is', () => {
      const documented = Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(documented.sort()).toEqual(API_OPERATIONS.map(name).sort());
    });

    it.each(rows(httpOps))('%s is served (never the no-route 404)', async (_name, op) => {
      const res = await call(fleet.app, op, fill(op, UNKNOWN)).redirects(1);
      expect(res.body.error?.message ?? '').not.toMatch(/^no route for/);
      expect(res.status).toBe(op.auth === 'none' ? publicStatus(op) : 401);
    });

    it('have a valid body in this test for every operation that takes one', () => {
      expect(Object.keys(BODIES).sort()).toEqual(
        API_OPERATIONS.filter((op) => op.body)
          .map(name)
          .sort(),
      );
    });
  });

  it.each(rows(httpOps.filter((op) => op.auth !== 'none')))(
    '%s answers 401 without a key and with a wrong one',
    async (_name, op) => {
      for (const key of [{}, { authorization: 'Bearer wrong-key' }]) {
        const res = await call(fleet.app, op, fill(op, UNKNOWN)).set(key);
        expect(res.status).toBe(401);
        expect(res.body.error).toMatchObject({ code: 'unauthorized' });
      }
    },
  );

  it.each(rows(httpOps.filter((op) => op.auth === 'admin')))(
    '%s answers 403 to a member key',
    async (_name, op) => {
      const res = await call(fleet.app, op, fill(op, UNKNOWN)).set(member);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'forbidden' });
    },
  );

  it.each(rows(httpOps.filter((op) => op.auth !== 'none' && op.params)))(
    '%s answers 400 to an id that is not a UUID',
    async (_name, op) => {
      const res = await call(fleet.app, op, fill(op, 'not-a-uuid')).set(admin);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input' });
    },
  );

  it.each(rows(httpOps.filter((op) => op.body)))(
    '%s answers 400 to a body of the wrong shape',
    async (_name, op) => {
      const res = await request(fleet.app)[op.method](fill(op, UNKNOWN)).set(admin).send([]);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input' });
    },
  );

  it.each(rows(httpOps.filter((op) => op.owns)))(
    '%s answers 404 to another tenant and never shows its data',
    async (_name, op) => {
      // An admin-only operation is refused to a member before ownership: ask as the other admin.
      const res = await call(fleet.app, op, fill(op, victim[op.owns!]), victim).set(
        op.auth === 'admin' ? outsiderAdmin : outsider,
      );
      expect(res.status).toBe(404);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(JSON.stringify(res.body)).not.toContain(VICTIM_PLAN_NAME);
      expect(SETTLED).toContain((await findPlan(fleet.resources.db, victim.plan))?.status);
      expect((await findUser(fleet.resources.db, victim.user))?.role).toBe('member');
      const keys = await listApiKeys(fleet.resources.db, fleet.tenantId);
      expect(keys.find((k) => k.id === victim.apiKey)?.revokedAt).toBeNull();
    },
  );

  it.each(rows(httpOps.filter((op) => op.auth === 'none')))(
    '%s answers without a key as documented',
    async (_name, op) => {
      const res = await call(fleet.app, op, op.path).redirects(1);
      expect(res.status).toBe(publicStatus(op));
      const documented = [op.success.status, 400, ...Object.keys(op.errors ?? {}).map(Number)];
      expect(documented).toContain(res.status);
      expect(res.type).toBe(op.success.type ?? 'application/json');
    },
  );

  describe('GET /openapi.json and /docs', () => {
    it('serves the document the routes are described by', async () => {
      const res = await request(fleet.app).get('/openapi.json');
      expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    });

    it('serves Swagger UI from local assets, pointed at the document', async () => {
      const page = await request(fleet.app).get('/docs');
      expect(page.status).toBe(301);
      expect(page.headers.location).toBe('docs/');
      const html = await request(fleet.app).get('/docs/');
      expect(html.text).toContain('swagger-ui-bundle.js');
      const init = await request(fleet.app).get('/docs/swagger-ui-init.js');
      expect(init.text).toContain('"swaggerUrl": "../openapi.json"');
      const bundle = await request(fleet.app).get('/docs/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);
      expect(bundle.type).toMatch(/javascript$/);
    });
  });

  describe('GET /api/v2/plans', () => {
    let key: { authorization: string };
    let ids: string[];

    beforeAll(async () => {
      const tenant = await ensureTenant(fleet.resources.db, 'lister');
      key = { authorization: `Bearer ${await createApiKey(fleet.resources.db, tenant.id)}` };
      ids = [];
      // Stored without enqueueing (the reconciler is off in tests): they stay `atomizing`.
      for (const n of [1, 2, 3]) {
        const input = threeFilePlan(`listed-${n}`);
        ids.push(
          (await insertPlanWithTasks(fleet.resources.db, { tenantId: tenant.id, input })).plan.id,
        );
      }
      await transitionPlan(fleet.resources.db, ids[0]!, 'fail');
    });

    it('lists only the caller’s tenant’s plans, newest first', async () => {
      const res = await request(fleet.app).get('/api/v2/plans').set(key);
      expect(res.status).toBe(200);
      expect(idsOf(res.body)).toEqual([...ids].reverse());
      expect(res.body.items[0]).toMatchObject({
        name: 'listed-3',
        status: 'atomizing',
        links: { self: `/api/v2/plans/${ids[2]}` },
      });
      expect(res.body.nextCursor).toBeNull();
      const own = await request(fleet.app).get('/api/v2/plans').set(admin);
      expect(idsOf(own.body)).toContain(victim.plan);
      expect(idsOf(own.body).filter((id) => ids.includes(id))).toEqual([]);
    });

    it('pages with ?limit and the nextCursor of the previous page', async () => {
      const first = await request(fleet.app).get('/api/v2/plans?limit=2').set(key);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toBe(first.body.items[1].id);
      const second = await request(fleet.app)
        .get(`/api/v2/plans?limit=2&cursor=${first.body.nextCursor}`)
        .set(key);
      expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    });

    it('filters by ?status and rejects an unknown status or a malformed cursor', async () => {
      const failed = await request(fleet.app).get('/api/v2/plans?status=failed').set(key);
      expect(idsOf(failed.body)).toEqual([ids[0]]);
      for (const query of ['status=lost', 'cursor=nope', 'limit=501']) {
        const res = await request(fleet.app).get(`/api/v2/plans?${query}`).set(key);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      }
    });
  });

  describe('GET /api/v2/atoms/:planId', () => {
    it('pages through every atom once, in file order', async () => {
      const all = await request(fleet.app).get(`/api/v2/atoms/${victim.plan}`).set(admin);
      expect(all.body.nextCursor).toBeNull();
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(fleet.app)
          .get(`/api/v2/atoms/${victim.plan}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(admin);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        paged.push(...idsOf(res.body));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(idsOf(all.body));
      expect(paged.length).toBeGreaterThan(2);
    });
  });

  describe('plan control on a plan of the caller', () => {
    it('cancels, pauses and resumes with a new budget', async () => {
      const db = fleet.resources.db;
      const stored = () =>
        insertPlanWithTasks(db, { tenantId: fleet.tenantId, input: threeFilePlan('controlled') });
      const toCancel = (await stored()).plan.id;
      const cancelled = await request(fleet.app)
        .post(`/api/v2/plans/${toCancel}/cancel`)
        .set(admin);
      expect(cancelled.body).toMatchObject({ id: toCancel, status: 'cancelled' });

      const toPause = (await stored()).plan.id;
      // One atom outstanding and none to enqueue, so resuming only changes the status.
      await transitionPlan(db, toPause, 'atomized');
      await transitionPlan(db, toPause, 'graphed', { atomsRemaining: 1 });
      const paused = await request(fleet.app).post(`/api/v2/plans/${toPause}/pause`).set(admin);
      expect(paused.body).toMatchObject({ status: 'paused' });
      const resumed = await request(fleet.app)
        .post(`/api/v2/plans/${toPause}/resume`)
        .set(admin)
        .send({ budget: { dollars: 5 } });
      expect(resumed.body).toMatchObject({ status: 'generating' });
      expect((await findPlan(db, toPause))?.budgetDollars).toBe(5);
    });
  });

  describe('when a body is over MGE_API_BODY_LIMIT_MB', () => {
    it('answers 413 with the standard error body, for JSON and YAML', async () => {
      const big = 'x'.repeat(1024 * 1024 + 1);
      const json = await request(fleet.app)
        .post('/api/v2/plans')
        .set(admin)
        .send({ ...threeFilePlan(), description: big });
      const yaml = await request(fleet.app)
        .post('/api/v2/plans')
        .set(admin)
        .set('content-type', 'application/yaml')
        .send(`name: big\ndescription: ${big}\n`);
      for (const res of [json, yaml]) {
        expect(res.status).toBe(413);
        expect(res.body).toEqual({
          error: { code: 'payload_too_large', message: expect.any(String) },
        });
      }
    });
  });
});
