import type { Express } from 'express';
import request from 'supertest';
import {
  createApiKey,
  ensureTenant,
  findPlan,
  insertPlanWithTasks,
  listAtoms,
  listTasks,
  transitionPlan,
} from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';
import { API_OPERATIONS, type ApiOperation } from '../api-operations.js';
import { BULL_BOARD_PATH } from '../bull-board.js';
import { openApiDocument } from '../openapi.js';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const VICTIM_PLAN_NAME = 'victim-plan';

/** The ids a request names: the tenant's plan, one of its tasks and one of its atoms. */
type Ids = Record<NonNullable<ApiOperation['owned']>, string>;
const unknownIds: Ids = { plan: UNKNOWN, task: UNKNOWN, atom: UNKNOWN };

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
  'POST /api/v2/mode': () => ({ rolloutPercent: null }),
  'POST /api/v1/discovery/start': () => ({ requirements: 'endpoint coverage' }),
  'POST /api/v1/masterplan/generate': () => threeFilePlan('endpoint-coverage-v1'),
  'POST /api/v1/masterplan/execute': (ids) => ({ masterplanId: ids.plan }),
};

/** The ids of a list response's items, in order. */
const idsOf = (body: unknown) => (body as { items: { id: string }[] }).items.map((i) => i.id);
const name = (op: ApiOperation) => `${op.method.toUpperCase()} ${op.path}`;
/** The operation's path with every `{param}` set to `value`. */
const fill = (op: ApiOperation, value: string) => op.path.replace(/\{\w+\}/g, value);
/** Calls `op` on `path`, with a body when the operation takes one. */
function call(app: Express, op: ApiOperation, path: string, ids: Ids = unknownIds) {
  const req = request(app)[op.method](path);
  const body = BODIES[name(op)];
  return body && op.body ? req.send(body(ids) as object) : req;
}

// A WebSocket upgrade (status 101) is not an HTTP request/response: its tests are its own.
const httpOps = API_OPERATIONS.filter((op) => op.success.status !== 101);
const rows = (ops: readonly ApiOperation[]) => ops.map((op) => [name(op), op] as const);

/** `METHOD /path/{param}` of every route Express serves, found by walking its router layers. */
interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}
function servedRoutes(stack: readonly Layer[], prefix = ''): string[] {
  const join = (a: string, b: string) => `${a}/${b}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = join(prefix, layer.route.path).replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${path}`);
    }
    const mount = join(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : '');
    // Bull Board's own pages and JSON API sit under one documented entry.
    if (!layer.handle.stack || mount.startsWith(BULL_BOARD_PATH)) return [];
    return servedRoutes(layer.handle.stack, mount);
  });
}

describe('every documented endpoint', () => {
  let fleet: TestFleet;
  let victim: Ids;
  let outsider: { authorization: string };
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
    };
  }, 60_000);
  afterAll(() => fleet?.stop());

  describe('the routes Express serves', () => {
    it('are all in the OpenAPI document, so an undocumented endpoint fails', () => {
      const stack = (fleet.app as unknown as { router: { stack: Layer[] } }).router.stack;
      const documented = new Set(API_OPERATIONS.map(name));
      const served = servedRoutes(stack);
      expect(served.length).toBeGreaterThan(10);
      expect(served.filter((route) => !documented.has(route))).toEqual([]);
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

  it.each(rows(httpOps.filter((op) => op.owned)))(
    '%s answers 404 to another tenant and never shows its data',
    async (_name, op) => {
      const res = await call(fleet.app, op, fill(op, victim[op.owned!]), victim).set(outsider);
      expect(res.status).toBe(404);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(JSON.stringify(res.body)).not.toContain(VICTIM_PLAN_NAME);
      expect(SETTLED).toContain((await findPlan(fleet.resources.db, victim.plan))?.status);
    },
  );

  it.each(rows(httpOps.filter((op) => op.auth === 'none')))(
    '%s answers its documented success without a key',
    async (_name, op) => {
      const res = await request(fleet.app)[op.method](op.path).redirects(1);
      expect(res.status).toBe(op.success.status);
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
      await transitionPlan(fleet.resources.db, ids[0]!, ['atomizing'], 'failed');
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
      await transitionPlan(db, toPause, ['atomizing'], 'generating', { atomsRemaining: 1 });
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
