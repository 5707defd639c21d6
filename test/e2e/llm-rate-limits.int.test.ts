/**
 * Fleet-wide, token-aware rate limits: N executor processes (real compiled ones) share one budget
 * per model in Redis, against the local Messages API server enforcing the same limits over a
 * rolling window (shortened to seconds so the test runs in seconds). With the budget, the load
 * the server is offered stays within every limit and it refuses nothing; without it (the control),
 * the same fleet passes the limits and meets 429s, so the assertions can fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelLimits } from '@mge/config';
import { findPlan } from '@mge/db';
import { syntheticPlan } from '@mge/bench';
import { submitPlan } from '@mge/pipeline';
import { startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import type { WindowSums } from '@test/fake-limits';
import { appEntryPoint, fleetProcessEnv, freePort, startTestFleet } from '@test/fleet';
import { waitFor } from '@test/services';

const EXECUTORS = 3;
const WINDOW_MS = 2_000;
const MODEL = 'claude-haiku-4-5';
/** Tokens bind before requests do: a request-count limiter alone would not keep within them. */
const LIMITS: Record<string, ModelLimits> = {
  [MODEL]: { requestsPerMinute: 40, inputTokensPerMinute: 2_500, outputTokensPerMinute: 600 },
};

interface RunResult {
  status: string;
  peaks: WindowSums;
  refused: number;
  answered: number;
  seconds: number;
}

async function run(withBudget: boolean): Promise<RunResult> {
  const fake: FakeAnthropic = await startFakeAnthropic([], { limits: LIMITS, windowMs: WINDOW_MS });
  const env: Record<string, string> = {
    MGE_LLM_PROVIDER: 'anthropic',
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
    ANTHROPIC_BASE_URL: fake.url,
    MGE_LLM_MAX_RETRIES: '0',
    MGE_GENERATE_CONCURRENCY: '8',
    ...(withBudget
      ? { MGE_LLM_LIMITS: JSON.stringify(LIMITS), MGE_LLM_LIMITS_WINDOW_MS: String(WINDOW_MS) }
      : {}),
  };
  // Atomizer, graph builder and validator in this process; the executors are their own.
  const fleet = await startTestFleet(env, ['atomizer', 'graph-builder', 'validator']);
  const executors: { child: ChildProcess; output: string[]; exited: Promise<unknown> }[] = [];
  try {
    for (let i = 0; i < EXECUTORS; i++) {
      const child = spawn(process.execPath, [appEntryPoint('executor')], {
        env: fleetProcessEnv(fleet, {
          MGE_OUTPUT_DIR: path.join(tmpdir(), 'mge-test-rate-limits'),
          MGE_RECONCILE_INTERVAL_MS: '0',
          MGE_METRICS_PORT: String(await freePort()),
          ...env,
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      executors.push({ child, output, exited: new Promise((r) => child.once('exit', r)) });
    }
    const started = Date.now();
    const { planId } = await submitPlan(
      fleet.resources,
      fleet.tenantId,
      syntheticPlan({ functions: 40, perFile: 10, seed: 5 }),
    );
    const plan = await waitFor(
      async () => {
        const dead = executors.find((e) => e.child.exitCode !== null);
        if (dead) throw new Error(`an executor exited: ${dead.output.join('')}`);
        const p = await findPlan(fleet.resources.db, planId);
        return p && ['completed', 'failed', 'needs_review'].includes(p.status) ? p : undefined;
      },
      'the plan to finish',
      90_000,
    );
    const limits = fake.limits!;
    return {
      status: plan.status,
      peaks: limits.peaks(MODEL),
      refused: limits.refused(),
      answered: fake.reported.responses,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const e of executors) if (e.child.exitCode === null) e.child.kill('SIGTERM');
    await Promise.all(executors.map((e) => e.exited));
    await fleet.stop();
    await fake.close();
  }
}

describe(`${EXECUTORS} executor processes sharing fleet-wide LLM limits`, () => {
  const limit = LIMITS[MODEL]!;
  const within = (peaks: WindowSums) =>
    peaks.requests <= limit.requestsPerMinute! &&
    peaks.inputTokens <= limit.inputTokensPerMinute! &&
    peaks.outputTokens <= limit.outputTokensPerMinute!;
  const report = (label: string, r: RunResult) =>
    process.stdout.write(
      `${label}: ${r.status} in ${r.seconds.toFixed(1)} s, ${r.answered} answered, ${r.refused} refused (429); ` +
        `peak per ${WINDOW_MS} ms window: ${r.peaks.requests} requests / ${limit.requestsPerMinute}, ` +
        `${r.peaks.inputTokens} input tokens / ${limit.inputTokensPerMinute}, ` +
        `${r.peaks.outputTokens} output tokens / ${limit.outputTokensPerMinute}\n`,
    );

  beforeAll(() => appEntryPoint('executor')); // fail early, with what to do, when not built

  it('stay within every limit with the budget, and pass them without it', async () => {
    const limited = await run(true);
    report('with the budget', limited);
    const control = await run(false);
    report('without (control)', control);

    expect(limited.status).toBe('completed');
    expect(limited.refused).toBe(0);
    expect(within(limited.peaks)).toBe(true);
    // The control shows the test can fail: the same fleet, unmetered, is refused and over a limit.
    expect(control.refused).toBeGreaterThan(0);
    expect(within(control.peaks)).toBe(false);
  }, 240_000);
});
