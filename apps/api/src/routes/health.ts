import { sql } from 'drizzle-orm';
import { defineRoute, Reply } from '../route.js';

async function check(name: string, probe: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await probe();
    return [name, 'ok'];
  } catch (err) {
    return [name, err instanceof Error ? err.message : String(err)];
  }
}

/** /healthz: the process is alive. /readyz: Redis and Postgres answer. /metrics: Prometheus. */
export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'The process is alive',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: '`{ status: "ok" }`' },
    handler: () => ({ status: 'ok' }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Redis and Postgres answer',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: '`{ status: "ready", checks }`' },
    errors: { 503: 'not ready: `{ status: "not ready", checks }` names the failing dependency' },
    handler: async ({ deps }) => {
      const checks = Object.fromEntries(
        await Promise.all([
          check('redis', () => deps.queues.atomize.count()),
          check('postgres', () => deps.db.execute(sql`select 1`)),
        ]),
      );
      const ready = Object.values(checks).every((v) => v === 'ok');
      return new Reply(
        { status: ready ? 'ready' : 'not ready', checks },
        { status: ready ? 200 : 503 },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: 'Prometheus text exposition format', type: 'text/plain' },
    handler: async ({ deps }) => {
      const { registry } = deps.metrics;
      return new Reply(await registry.metrics(), { type: registry.contentType });
    },
  }),
];
