import { ConfigError, loadConfig } from '@mge/config';
import { closeOnSignal } from '@mge/queue';
import { registerQueueDepth, startMetricsServer } from '@mge/telemetry';
import { sql } from 'drizzle-orm';
import { openResources, type Resources } from './resources.js';
import { roleQueues, startRole, type RoleName } from './roles.js';

/**
 * The whole `main` of a worker app: config -> resources -> worker + metrics server -> wait for
 * SIGTERM/SIGINT -> graceful close. Exits 2 on bad configuration with one line per problem.
 */
export async function runWorkerProcess(
  role: RoleName,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { resources, close } = await openResources(config, role);
  // The role's own queues' depth: what its autoscaler reads (the API exports every queue).
  registerQueueDepth(
    resources.metrics.registry,
    roleQueues(role).map((q) => resources.queues[q]),
    resources.fair && ((q) => resources.fair!.heldTotal(q)),
  );
  const serve = (port: number) =>
    startMetricsServer({
      registry: resources.metrics.registry,
      port,
      host: config.host,
      checks: () => dependencyChecks(resources),
    });
  // Several roles on one machine (outside containers) would all want the default port: the
  // second one takes a free port and says which, rather than refusing to start.
  const metricsServer = await serve(config.metricsPort).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    resources.logger.warn({ port: config.metricsPort }, 'metrics port in use: using a free port');
    return serve(0);
  });
  const worker = startRole(role, resources);
  resources.logger.info({ role, metricsPort: metricsServer.port }, 'worker started');
  await closeOnSignal(
    () => {
      metricsServer.drain();
      return [worker];
    },
    resources.logger,
    config.shutdownTimeoutMs,
  );
  // Closed last, so liveness probes and the final scrape still answer while jobs drain.
  await metricsServer.close();
  await close();
  resources.logger.info({ role }, 'worker stopped');
}

/** Readiness of a worker: Redis and Postgres answer. */
async function dependencyChecks(r: Resources): Promise<Record<string, string>> {
  const check = (probe: () => Promise<unknown>) =>
    probe().then(
      () => 'ok',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
  const [redis, postgres] = await Promise.all([
    check(() => r.queues.atomize.count()),
    check(() => r.db.execute(sql`select 1`)),
  ]);
  return { redis, postgres };
}
