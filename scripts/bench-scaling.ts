/**
 * Horizontal scaling of the executor role: the same generated plan with the SIMULATED `sim` LLM
 * provider, run with 1, 2 and 4 executor processes at a fixed per-process concurrency, so the
 * fleet's capacity (processes x concurrency in flight) is what changes. Each run is one
 * `mge bench --executors N --json` (real Redis, real Postgres, real BullMQ; only the LLM is
 * simulated). Prints a Markdown table and, with --json, the raw figures.
 *
 *   DATABASE_URL=postgres://... node -r esbuild-register scripts/bench-scaling.ts \
 *     [--atoms 400] [--latency-ms 200-400] [--concurrency 4] [--processes 1,2,4] [--json]
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    atoms: { type: 'string', default: '400' },
    'latency-ms': { type: 'string', default: '200-400' },
    concurrency: { type: 'string', default: '4' },
    processes: { type: 'string', default: '1,2,4' },
    seed: { type: 'string', default: '7' },
    json: { type: 'boolean', default: false },
  },
});

interface BenchFigures {
  atoms: number;
  makespanMs: number;
  criticalPathBoundMs: number;
  maxInFlight: number;
  atomsPerSecond: number;
  overheadMsPerAtom: number;
  planStatus: string;
  simulated: boolean;
}

const MGE = path.resolve(__dirname, '..', 'apps', 'cli', 'bin', 'mge.js');

function bench(processes: number): BenchFigures {
  const out = execFileSync(
    process.execPath,
    [
      MGE,
      'bench',
      '--json',
      '--atoms',
      values.atoms,
      '--latency-ms',
      values['latency-ms'],
      '--concurrency',
      values.concurrency,
      '--executors',
      String(processes),
      '--fault-rate',
      '0',
      '--seed',
      values.seed,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as BenchFigures;
}

function main(): void {
  if (!process.env.DATABASE_URL) {
    process.stderr.write(
      'bench-scaling: set DATABASE_URL (executor processes share one Postgres)\n',
    );
    process.exit(2);
  }
  const counts = values.processes.split(',').map(Number);
  const runs = counts.map((n) => ({ processes: n, ...bench(n) }));
  const base = runs[0]!;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(runs)}\n`);
    return;
  }
  const lines = [
    `SIMULATED LLM (sim provider, latency ${values['latency-ms']} ms, no faults); ${values.atoms} generated atoms, concurrency ${values.concurrency} per process`,
    '',
    '| executor processes | in flight (max) | makespan (s) | atoms/s | speed-up | of linear | critical-path bound (s) | status |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...runs.map((r) => {
      const speedup = r.atomsPerSecond / base.atomsPerSecond;
      return `| ${r.processes} | ${r.maxInFlight} | ${(r.makespanMs / 1000).toFixed(2)} | ${r.atomsPerSecond.toFixed(1)} | ${speedup.toFixed(2)}x | ${((speedup / (r.processes / base.processes)) * 100).toFixed(0)}% | ${(r.criticalPathBoundMs / 1000).toFixed(2)} | ${r.planStatus} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
