/**
 * Start-up cost of each sandbox backend: wall time of runs that do (almost) nothing.
 *
 *   node -r esbuild-register scripts/bench-sandbox.ts [--runs N]
 *
 * For every backend usable here (bwrap, unshare) and weak, runs `/bin/true` and `node -e 0` N
 * times each in a fresh workspace and prints the median and 90th percentile in milliseconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_SANDBOX_LIMITS,
  detectSandbox,
  ISOLATING_BACKENDS,
  runSandboxed,
  type SandboxBackend,
} from '@mge/validation';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20;
const support = detectSandbox();
const backends: SandboxBackend[] = [...ISOLATING_BACKENDS.filter((b) => support[b]), 'weak'];
const commands = { '/bin/true': ['/bin/true'], 'node -e 0': [process.execPath, '-e', '0'] };

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main() {
  console.log(`${runs} runs each`);
  console.log('| backend | command | median ms | p90 ms |');
  console.log('|---|---|---|---|');
  for (const backend of backends)
    for (const [name, command] of Object.entries(commands)) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const workspace = await mkdtemp(path.join(tmpdir(), 'mge-bench-sandbox-'));
        const started = performance.now();
        const result = await runSandboxed(
          { workspace, command },
          { backend, allowWeak: false, limits: DEFAULT_SANDBOX_LIMITS },
        );
        times.push(performance.now() - started);
        await rm(workspace, { recursive: true, force: true });
        if (result.exitCode !== 0) throw new Error(`${backend} ${name}: ${result.stderr}`);
      }
      times.sort((a, b) => a - b);
      const [median, p90] = [quantile(times, 0.5), quantile(times, 0.9)].map(Math.round);
      console.log(`| ${backend} | \`${name}\` | ${median} | ${p90} |`);
    }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
