import { Command } from 'commander';
import { ConfigError } from '@mge/config';
import { demoCommand } from './commands/demo.js';
import { keysCreateCommand } from './commands/keys.js';
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

const program = new Command('mge').description('Masterplan Generation Engine: a plan in, a validated codebase out').showHelpAfterError();

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
  .action((plan: string, opts: { watch?: boolean; json?: boolean; api: string }) => exitWith(() => submitCommand(plan, opts)));

program
  .command('demo')
  .description('run the bundled example plan end to end')
  .action(() => exitWith(demoCommand));

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
