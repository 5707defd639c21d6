/**
 * Scale-in as Kubernetes does it: SIGTERM to executor processes in the middle of a run. One
 * drains (in-flight atoms finish within its deadline), one is past its deadline at once (its
 * in-flight atoms are aborted and released to the queue); a replacement picks the rest up. The
 * plan must complete with every atom generated exactly once per attempt. Also checks /metrics,
 * /healthz and /readyz on a worker process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { syntheticPlan } from '@mge/bench';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
  type TestDatabase,
} from '@test/services';
import { ADMIN_TOKEN, appEntryPoint, freePort, PROCESS_APPS } from '@test/fleet';

interface Child {
  name: string;
  child: ChildProcess;
  /** stdout (pino's JSON lines) and stderr together. */
  output: string[];
  metricsPort: number;
  exited: Promise<number | null>;
}

describe('executors stopped by SIGTERM in the middle of a run', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let baseUrl: string;
  let env: Record<string, string>;
  const children: Child[] = [];

  async function start(
    name: string,
    role: (typeof PROCESS_APPS)[number],
    extra: Record<string, string> = {},
  ): Promise<Child> {
    const metricsPort = await freePort();
    const child = spawn(process.execPath, [appEntryPoint(role)], {
      env: { ...env, MGE_METRICS_PORT: String(metricsPort), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const collect = (chunk: Buffer) => output.push(chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = { name, child, output, metricsPort, exited };
    children.push(started);
    return started;
  }

  const get = (url: string) => fetch(url).catch(() => undefined);

  beforeAll(async () => {
    PROCESS_APPS.forEach(appEntryPoint); // fail early, with what to do, when not built
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      MGE_QUEUE_PREFIX: uniqueQueuePrefix(),
      MGE_OUTPUT_DIR: path.join(tmpdir(), 'mge-test-scale-in'),
      MGE_ADMIN_TOKEN: ADMIN_TOKEN,
      MGE_AUTO_MIGRATE: 'false',
      MGE_RECONCILE_INTERVAL_MS: '0',
      // Simulated LLM latency keeps atoms in flight long enough for SIGTERM to land mid-run;
      // no faults, so every atom validates on its first attempt.
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_LATENCY_MS: '150-300',
      MGE_SIM_FAULT_RATE: '0',
      MGE_GENERATE_CONCURRENCY: '8',
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    await Promise.all(
      (['api', 'atomizer', 'graph-builder', 'validator'] as const).map((role) => start(role, role)),
    );
    await waitFor(
      async () => {
        const dead = children.find((c) => c.child.exitCode !== null);
        if (dead) throw new Error(`${dead.name} exited early: ${dead.output.join('')}`);
        return (await get(`${baseUrl}/readyz`))?.ok ? true : undefined;
      },
      'the API to be ready',
      20_000,
    );
  }, 30_000);

  afterAll(async () => {
    await Promise.all(
      children.map(({ child, exited }) =>
        child.exitCode === null ? (child.kill('SIGKILL'), exited) : exited,
      ),
    );
    await sql?.end();
    await database?.drop();
  });

  it('serves /metrics, /healthz and /readyz on a worker process, with its queue depth', async () => {
    const validator = children.find((c) => c.name === 'validator')!;
    const base = `http://127.0.0.1:${validator.metricsPort}`;
    await waitFor(
      async () => ((await get(`${base}/readyz`))?.status === 200 ? true : undefined),
      'the validator to be ready',
    );
    expect((await get(`${base}/healthz`))!.status).toBe(200);
    const metrics = await (await get(`${base}/metrics`))!.text();
    expect(metrics).toContain(
      'mge_queue_jobs{queue="validate",state="waiting",role="validator"} 0',
    );
    expect(metrics).toContain('# TYPE mge_jobs_total counter');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('completes the plan with no atom lost and none generated twice for the same attempt', async () => {
    const draining = await start('executor-draining', 'executor', {
      MGE_SHUTDOWN_TIMEOUT_MS: '20000',
    });
    // Past its deadline at once: what the kubelet's grace period ending looks like.
    const releasing = await start('executor-releasing', 'executor', {
      MGE_SHUTDOWN_TIMEOUT_MS: '1',
    });

    const submitted = await fetch(`${baseUrl}/api/v2/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(syntheticPlan({ functions: 240, perFile: 20, seed: 3 })),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };

    const progress = async () => {
      const [row] = await sql<{ validated: number; total: number; running: number }[]>`
        select count(*) filter (where status = 'validated')::int as validated,
               count(*) filter (where status = 'running')::int as running,
               count(*)::int as total
        from atomic_units where masterplan_id = ${id}`;
      return row!;
    };
    /** The process's calls in flight (0 until its metrics endpoint is up). */
    const inFlight = async ({ metricsPort }: { metricsPort: number }) => {
      const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
        (res) => res.text(),
        () => '',
      );
      return Number(/^mge_atoms_in_flight(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
    };
    // Mid-run: some atoms validated, many still to go, some in flight.
    await waitFor(
      async () => {
        const [plan] = await sql<{ status: string; error: string | null }[]>`
          select status, error from masterplans where id = ${id}`;
        if (['failed', 'needs_review'].includes(plan!.status))
          throw new Error(`the plan ${plan!.status} before SIGTERM: ${plan!.error ?? ''}`);
        const p = await progress();
        // The releasing executor must hold calls in flight, or it has nothing to release.
        const holding = (await inFlight(releasing)) > 0;
        return holding && p.validated >= 20 && p.validated < p.total / 2 ? p : undefined;
      },
      'the run to be in flight',
      30_000,
    );

    draining.child.kill('SIGTERM');
    releasing.child.kill('SIGTERM');
    expect(await releasing.exited).toBe(0);
    const replacement = await start('executor-replacement', 'executor');
    expect(await draining.exited).toBe(0);
    // The draining one finished its in-flight atoms; the other one was past its deadline at once
    // and released its in-flight atoms to the queue (the path a kubelet's SIGKILL deadline takes).
    expect(draining.output.join('')).not.toMatch(/"level":(50|60)|released to the queue/);
    expect(releasing.output.join('')).toMatch(/released to the queue at shutdown/);
    expect(releasing.output.join('')).not.toMatch(/"level":(50|60)/);

    const status = await waitFor(
      async () => {
        const [plan] = await sql<
          { status: string }[]
        >`select status from masterplans where id = ${id}`;
        return ['completed', 'failed', 'needs_review'].includes(plan!.status)
          ? plan!.status
          : undefined;
      },
      'the plan to finish',
      60_000,
    );
    expect(status).toBe('completed');

    const atoms = await sql<
      { id: string; status: string; attempt: number; calls: number; checks: number }[]
    >`
      select a.id, a.status, a.attempt,
             (select count(*)::int from usage_events u where u.atom_id = a.id) as calls,
             (select count(*)::int from validation_results v where v.atom_id = a.id and v.level = 'atom') as checks
      from atomic_units a where a.masterplan_id = ${id}`;
    expect(atoms.length).toBeGreaterThan(50);
    // Not lost: every atom validated. Not doubled: one LLM call and one L1 check per attempt.
    expect(atoms.filter((a) => a.status !== 'validated')).toEqual([]);
    expect(atoms.filter((a) => a.calls !== a.attempt || a.checks !== a.attempt)).toEqual([]);
    replacement.child.kill('SIGTERM');
    expect(await replacement.exited).toBe(0);
  }, 90_000);
});
