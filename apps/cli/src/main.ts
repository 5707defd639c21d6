import { Command } from 'commander';
import { ConfigError } from '@mge/config';
import { atomizeCommand } from './commands/atomize.js';
import { benchCommand, type BenchOptions } from './commands/bench.js';
import { benchModesCommand, type BenchModesOptions } from './commands/bench-modes.js';
import { demoCommand } from './commands/demo.js';
import { graphCommand } from './commands/graph.js';
import { keysCreateCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { runCommand } from './commands/run.js';
import { submitCommand } from './commands/submit.js';
import { upCommand } from './commands/up.js';

/** Runs a command and exits with its code; a thrown error prints its message and exits 1. */
function exitWith(action: () => Promise<number>): Promise<void> {
  return action().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`mge: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof ConfigError ? 2 : 1);
    },
  );
}

const program = new Command('mge')
  .description('Masterplan Generation Engine: a plan in, a validated codebase out')
  .showHelpAfterError();

program
  .command('up')
  .description('run the API and every worker role in this process (until SIGTERM/SIGINT)')
  .option('--port <n>', 'API port (default: PORT, else 3000)')
  .action((opts: { port?: string }) => exitWith(() => upCommand(opts)));

program
  .command('run')
  .description('run one plan file to its end on the embedded fleet and print the result')
  .argument('<plan>', 'plan file (JSON or YAML)')
  .option('--json', 'print one JSON object')
  .action((plan: string, opts: { json?: boolean }) => exitWith(() => runCommand(plan, opts)));

program
  .command('submit')
  .description('submit a plan to a running API')
  .argument('<plan>', 'plan file (JSON or YAML)')
  .option('--watch', 'show live progress until the plan finishes')
  .option('--json', 'print JSON')
  .option('--api <url>', 'API base URL', process.env.MGE_API_URL ?? 'http://127.0.0.1:3000')
  .action((plan: string, opts: { watch?: boolean; json?: boolean; api: string }) =>
    exitWith(() => submitCommand(plan, opts)),
  );

program
  .command('bench')
  .description(
    'run the fleet on a generated plan with the SIMULATED sim LLM provider and print figures',
  )
  .option('--json', 'print one JSON object')
  .option('--atoms <n>', 'functions in the generated plan', '200')
  .option('--latency-ms <ms>', 'simulated latency per call: MS or MIN-MAX', '200-400')
  .option('--concurrency <c>', 'LLM calls in flight per executor', '128')
  .option('--mode <mode>', 'scheduling: eager | waves', 'eager')
  .option('--fault-rate <p>', 'share of first attempts the sim provider breaks', '0.1')
  .option('--executors <n>', 'executor processes (0: in this process; >0 needs DATABASE_URL)', '0')
  .option('--seed <n>', 'seed of the plan and the simulation', '1')
  .action((opts: BenchOptions) => exitWith(() => benchCommand(opts)));

program
  .command('bench-modes')
  .description(
    'run the same generated plans in mvp and v2 mode (SIMULATED sim LLM provider) and print both side by side',
  )
  .option('--json', 'print one JSON object')
  .option('--plans <n>', 'plans per mode', '10')
  .option('--functions <n>', 'functions per generated plan', '50')
  .option('--latency-ms <ms>', 'simulated latency per call: MS or MIN-MAX', '200-400')
  .option('--fault-rate <p>', 'share of first attempts the sim provider breaks', '0.1')
  .option('--seed <n>', 'seed of the first plan and of the simulation', '1')
  .action((opts: BenchModesOptions) => exitWith(() => benchModesCommand(opts)));

program
  .command('demo')
  .description('run the bundled example plan end to end')
  .action(() => exitWith(demoCommand));

program
  .command('migrate')
  .description('apply pending database migrations and exit (one-shot, for deployments)')
  .action(() => exitWith(migrateCommand));

program
  .command('atomize')
  .description('split files into atoms (about 10 lines each) and show their metrics and criteria')
  .argument('<files...>', 'source files (.py, .js, .ts, .tsx, ...)')
  .option('--json', 'print one JSON object')
  .action((files: string[], opts: { json?: boolean }) =>
    exitWith(() => atomizeCommand(files, opts)),
  );

program
  .command('graph')
  .description(
    'print the dependency graph of a plan or of source files: edges, waves, critical path',
  )
  .argument(
    '<plan-or-files...>',
    'plan files (JSON or YAML) and/or TypeScript, JavaScript or Python files',
  )
  .option('--json', 'print one JSON object')
  .option('--svg <file>', 'also draw the graph by wave into an SVG file')
  .action((inputs: string[], opts: { json?: boolean; svg?: string }) =>
    exitWith(() => graphCommand(inputs, opts)),
  );

program
  .command('keys')
  .description('manage API keys')
  .command('create')
  .description('create an API key for a tenant (printed once)')
  .requiredOption('--tenant <name>', 'tenant name (created if new)')
  .option('--admin', 'give the key the admin role')
  .action((opts: { tenant: string; admin?: boolean }) => exitWith(() => keysCreateCommand(opts)));

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`mge: ${String(error)}\n`);
  process.exit(1);
});
