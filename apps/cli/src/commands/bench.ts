import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTenant } from '@mge/db';
import { rawBullmqMsPerJob, runFigures, syntheticPlan } from '@mge/bench';
import { getPlanView, ROLE_NAMES, submitPlan } from '@mge/pipeline';
import { DEFAULT_TENANT } from '@mge/api';
import { startFleet } from '../fleet.js';
import { waitForPlan } from '../wait-for-plan.js';
import { print, printError } from '../output.js';

export interface BenchOptions {
  json?: boolean;
  atoms: string;
  latencyMs: string;
  concurrency: string;
  mode: string;
  faultRate: string;
  executors: string;
  seed: string;
  /** Run the raw BullMQ baseline after the plan (`--no-raw` skips it). @defaultValue true */
  raw?: boolean;
}

const EXECUTOR = path.resolve(__dirname, '..', '..', '..', 'executor', 'dist', 'main.js');

/**
 * `mge bench`: the real fleet (Redis, the database, executor workers) on a generated plan with the
 * SIMULATED `sim` LLM provider; prints figures measured from what Postgres recorded.
 */
export async function benchCommand(options: BenchOptions): Promise<number> {
  const atoms = Number(options.atoms);
  const concurrency = Number(options.concurrency);
  const executors = Number(options.executors);
  if (
    !['eager', 'waves'].includes(options.mode) ||
    !(atoms > 0) ||
    !(concurrency > 0) ||
    !(executors >= 0)
  ) {
    await printError(
      'mge bench: --atoms and --concurrency must be positive, --executors >= 0, --mode eager|waves\n',
    );
    return 2;
  }
  if (executors > 0 && !process.env.DATABASE_URL) {
    await printError(
      'mge bench: --executors needs DATABASE_URL (separate processes cannot share an embedded PGlite)\n',
    );
    return 2;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MGE_LLM_PROVIDER: 'sim',
    MGE_SIM_LATENCY_MS: options.latencyMs,
    MGE_SIM_FAULT_RATE: options.faultRate,
    MGE_SIM_SEED: options.seed,
    MGE_GENERATE_CONCURRENCY: String(concurrency),
    MGE_QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
    MGE_PLAN_BUDGET_DOLLARS: '0',
    MGE_OUTPUT_DIR: path.join(tmpdir(), 'mge-bench-output'),
    MGE_RECONCILE_INTERVAL_MS: '0',
  };
  const fleet = await startFleet({
    env,
    ephemeralDatabase: true,
    defaultLogLevel: 'warn',
    roles: executors > 0 ? ROLE_NAMES.filter((r) => r !== 'executor') : ROLE_NAMES,
  });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < executors; i++) {
      children.push(
        spawn(process.execPath, [EXECUTOR], {
          env: {
            ...env,
            REDIS_URL: fleet.config.redisUrl,
            LOG_LEVEL: 'warn',
            MGE_AUTO_MIGRATE: 'false',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
    }
    const { db } = fleet.resources;
    const tenant = await ensureTenant(db, DEFAULT_TENANT);
    // A unique description keeps earlier runs' cached answers out of this run.
    const plan = {
      ...syntheticPlan({ functions: atoms, seed: Number(options.seed) }),
      description: `bench ${randomUUID()}`,
      scheduling: options.mode as 'eager' | 'waves',
    };
    const { planId } = await submitPlan(fleet.resources, tenant.id, plan);
    const view = await waitForPlan(() => getPlanView(db, planId), {
      progress: process.stderr.isTTY || !options.json,
      intervalMs: 500,
    });
    const figures = await runFigures(db, planId);
    const raw =
      options.raw === false
        ? undefined
        : await rawBullmqMsPerJob(
            fleet.resources.workerConnection,
            `${env.MGE_QUEUE_PREFIX}-raw`,
            Math.min(5000, Math.max(500, figures.atoms * 2)),
            concurrency,
          );
    const result = {
      label:
        'SIMULATED: sim LLM provider (seeded latency and faults); queue, Redis and database work are real',
      mode: options.mode,
      latencyMs: options.latencyMs,
      concurrency,
      executorProcesses: executors || 'in-process',
      ...figures,
      makespanToBound:
        figures.criticalPathBoundMs > 0
          ? round(figures.makespanMs / figures.criticalPathBoundMs)
          : null,
      rawBullmqMsPerJob: raw === undefined ? null : round(raw),
      overheadToRawBullmq: raw ? round(figures.overheadMsPerAtom / raw) : null,
      planStatus: view.status,
    };
    await print(
      options.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
    );
    return view.status === 'completed' ? 0 : 1;
  } finally {
    await stopAll(children);
    await Promise.all(
      Object.values(fleet.resources.queues).map((q) =>
        q.obliterate({ force: true }).catch(() => undefined),
      ),
    );
    await fleet.stop();
  }
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((resolve) => c.once('exit', resolve).kill('SIGTERM'))),
  );
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
