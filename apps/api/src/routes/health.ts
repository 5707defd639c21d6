import { Router } from 'express';
import { sql } from 'drizzle-orm';
import type { Resources } from '@mge/pipeline';

async function check(name: string, probe: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await probe();
    return [name, 'ok'];
  } catch (err) {
    return [name, err instanceof Error ? err.message : String(err)];
  }
}

/** /healthz: the process is alive. /readyz: Redis and Postgres answer. /metrics: Prometheus. */
export function healthRouter(r: Resources): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('redis', () => r.queues.atomize.count()),
        check('postgres', () => r.db.execute(sql`select 1`)),
      ]),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(r.metrics.registry.contentType).send(await r.metrics.registry.metrics());
  });
  return router;
}
