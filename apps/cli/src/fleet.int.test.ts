import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTenant, findPlan } from '@mge/db';
import { submitPlan } from '@mge/pipeline';
import { DEFAULT_TENANT } from '@mge/api';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';
import { spawnMge, runMge } from '@test/cli';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  type TestDatabase,
} from '@test/services';
import { startFleet, type Fleet, type FleetOptions } from './fleet';

jest.setTimeout(120_000);

/** A fleet as `mge run` / `mge up` starts one: the shared Redis, no queue prefix set. */
const env = (more: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  REDIS_URL: TEST_REDIS_URL,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  MGE_RECONCILE_INTERVAL_MS: '0',
  MGE_SHUTDOWN_TIMEOUT_MS: '5000',
  MGE_SANDBOX_ALLOW_WEAK: 'true',
  MGE_OUTPUT_DIR: path.join(tmpdir(), 'mge-test-output'),
  ...more,
});

async function stopAll(fleets: Fleet[], databases: TestDatabase[]): Promise<void> {
  for (const fleet of fleets) {
    await Promise.all(
      Object.values(fleet.resources.queues).map((q) =>
        q.obliterate({ force: true }).catch(() => undefined),
      ),
    );
    await fleet.stop();
  }
  for (const database of databases) await database.drop();
}

/** PGlite needs ESM dynamic import, which Jest's VM lacks: in-process fleets use Postgres. */
async function fleetOnItsOwnDatabase(
  databases: TestDatabase[],
  more: Record<string, string> = {},
  roles?: FleetOptions['roles'],
): Promise<Fleet> {
  const database = await createTestDatabase();
  databases.push(database);
  return startFleet({
    env: env({ DATABASE_URL: database.url, ...more }),
    ...(roles ? { roles } : {}),
  });
}

async function submit(fleet: Fleet, name: string): Promise<string> {
  const tenant = await ensureTenant(fleet.resources.db, DEFAULT_TENANT);
  return (await submitPlan(fleet.resources, tenant.id, threeFilePlan(name))).planId;
}

describe('two fleets on different databases and one Redis', () => {
  const fleets: Fleet[] = [];
  const databases: TestDatabase[] = [];
  afterAll(() => stopAll(fleets, databases));

  it('get queue prefixes of their own and each finish its own plan', async () => {
    fleets.push(await fleetOnItsOwnDatabase(databases), await fleetOnItsOwnDatabase(databases));
    const [a, b] = fleets as [Fleet, Fleet];
    expect(a.config.queuePrefix).toMatch(/^mge-[0-9a-f]{12}$/);
    expect(b.config.queuePrefix).toMatch(/^mge-[0-9a-f]{12}$/);
    expect(a.config.queuePrefix).not.toBe(b.config.queuePrefix);
    const [idA, idB] = await Promise.all([submit(a, 'fleet-a'), submit(b, 'fleet-b')]);
    const [planA, planB] = await Promise.all([
      planIn(a.resources.db, idA, SETTLED),
      planIn(b.resources.db, idB, SETTLED),
    ]);
    expect([planA.status, planA.error]).toEqual(['completed', null]);
    expect([planB.status, planB.error]).toEqual(['completed', null]);
  });
});

describe('when a fleet on another database shares the queue prefix (MGE_QUEUE_PREFIX set on both)', () => {
  const fleets: Fleet[] = [];
  const databases: TestDatabase[] = [];
  afterAll(() => stopAll(fleets, databases));

  it("fails the waiting plan with the thief's reason instead of hanging", async () => {
    const prefix = uniqueQueuePrefix();
    // The waiter runs no workers, so every job of its plan is taken by the other fleet, which
    // cannot find the plan's tasks in its own database and fails the jobs for good.
    const waiter = await fleetOnItsOwnDatabase(databases, { MGE_QUEUE_PREFIX: prefix }, []);
    fleets.push(waiter);
    fleets.push(await fleetOnItsOwnDatabase(databases, { MGE_QUEUE_PREFIX: prefix }));
    expect(waiter.config.queuePrefix).toBe(prefix);
    const id = await submit(waiter, 'stolen');
    const plan = await planIn(waiter.resources.db, id, SETTLED);
    expect(plan.status).toBe('failed');
    expect(plan.error).toMatch(/^atomize job failed: .*not found/);
    expect((await findPlan(waiter.resources.db, id))?.error).toBe(plan.error);
  });
});

describe('mge up (embedded PGlite) with mge run beside it on the same Redis', () => {
  let cwd: string;
  afterAll(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('leaves the run its own jobs: it completes and exits 0', async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'mge-up-run-'));
    const childEnv = env({ MGE_ADMIN_TOKEN: 'side-by-side-token-0123456789', LOG_LEVEL: 'warn' });
    const up = spawnMge(['up', '--port', '0'], { cwd, env: childEnv });
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        up.child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/queue prefix mge-[0-9a-f]{12}/.test(stderr)) resolve();
        });
        up.child.once('exit', () => reject(new Error(`mge up exited early:\n${stderr}`)));
      });
      const plan = path.resolve(__dirname, '..', '..', '..', 'examples', 'bookshop', 'plan.yaml');
      const run = await runMge(['run', plan, '--json'], { cwd, env: childEnv });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: run.stderr });
      expect((JSON.parse(run.stdout) as { status: string }).status).toBe('completed');
    } finally {
      up.child.kill('SIGTERM');
      await up.result;
    }
  });
});
