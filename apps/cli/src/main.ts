import { Command } from 'commander';
import { atomizeCommand } from './commands/atomize.js';
import { chatCommand, type ChatOptions } from './commands/chat.js';
import { benchCommand, type BenchOptions } from './commands/bench.js';
import { benchRagCommand, type BenchRagOptions } from './commands/bench-rag.js';
import { benchModesCommand, type BenchModesOptions } from './commands/bench-modes.js';
import { benchFairnessCommand, type BenchFairnessOptions } from './commands/bench-fairness.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { graphCommand } from './commands/graph.js';
import { keysCreateCommand } from './commands/keys.js';
import { usersCreateCommand } from './commands/users.js';
import { migrateCommand } from './commands/migrate.js';
import {
  ragIndexCommand,
  ragQueryCommand,
  ragSearchCommand,
  ragUploadCommand,
  type RagIndexOptions,
  type RagQueryOptions,
  type RagSearchOptions,
} from './commands/rag.js';
import { planValidateCommand, type PlanValidateOptions } from './commands/plan-validate.js';
import { planCommand, type PlanOptions } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { submitCommand } from './commands/submit.js';
import { upCommand } from './commands/up.js';
import { exitWith } from './output.js';

const program = new Command('mge')
  .description('Masterplan Generation Engine: a plan in, a validated codebase out')
  // Options belong to the command they follow (`plan --json` and `plan validate --json` differ).
  .enablePositionalOptions()
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
  .option('--no-raw', 'skip the raw BullMQ baseline (its Redis commands stay out of a count)')
  .action((opts: BenchOptions) => exitWith(() => benchCommand(opts)));

program
  .command('bench-fairness')
  .description(
    "one tenant's large plan, then another's small plan: the small plan's time against its time alone, with and without fair scheduling (SIMULATED sim LLM provider)",
  )
  .option('--json', 'print one JSON object')
  .option('--large <n>', 'functions in the large plan', '1000')
  .option('--small <n>', 'functions in the small plan', '20')
  .option(
    '--delay-ms <ms>',
    'submit the small plan this long after the large one starts generating',
    '3000',
  )
  .option('--latency-ms <ms>', 'simulated latency per call: MS or MIN-MAX', '200-400')
  .option('--concurrency <c>', 'LLM calls in flight per executor', '32')
  .option('--tenant-max-in-flight <n>', 'MGE_TENANT_MAX_IN_FLIGHT (0: no cap)', '0')
  .option('--max-waiting <n>', 'MGE_FAIR_MAX_WAITING', '32')
  .option('--seed <n>', 'seed of the plans and of the simulation', '1')
  .action((opts: BenchFairnessOptions) => exitWith(() => benchFairnessCommand(opts)));

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
  .command('bench-rag')
  .description(
    'measure code search (CodeSearchNet style: doc comments as queries) for dense, lexical and fused ranking',
  )
  .argument('<paths...>', 'Python and JavaScript files or directories with documented functions')
  .option('--functions <n>', 'documented functions to index and query', '1000')
  .option('--json', 'print one JSON object')
  .action((paths: string[], opts: BenchRagOptions) => exitWith(() => benchRagCommand(paths, opts)));

program
  .command('demo')
  .description('run the bundled example plan end to end')
  .action(() => exitWith(demoCommand));

program
  .command('doctor')
  .description(
    'say which sandbox, Redis, Postgres, Chroma and LLM provider this machine would use, and what to install for better',
  )
  .option('--json', 'print one JSON object')
  .action((opts: { json?: boolean }) => exitWith(() => doctorCommand(opts)));

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

program
  .command('users')
  .description("manage people's accounts")
  .command('create')
  .description(
    'create an account (password from stdin when piped, else generated and printed once)',
  )
  .requiredOption('--tenant <name>', 'tenant name (created if new)')
  .requiredOption('--email <email>', 'the email to sign in with')
  .option('--admin', 'give the user the admin role')
  .action((opts: { tenant: string; email: string; admin?: boolean }) =>
    exitWith(() => usersCreateCommand(opts)),
  );

const plan = program
  .command('plan')
  .enablePositionalOptions()
  .description(
    'requirements -> discovery -> MasterPlan on a running fleet (`mge up`), with progress; `plan validate` checks a MasterPlan file',
  )
  .argument('[requirements]', 'requirements text file (Markdown or plain text)')
  .option(
    '--json',
    'print one JSON object: the discovery, the MasterPlan (and the run with --approve)',
  )
  .option('--approve', 'start the plan when it validates and wait for its end')
  .option('--api <url>', 'API base URL', process.env.MGE_API_URL ?? 'http://127.0.0.1:3000')
  .action((file: string | undefined, opts: PlanOptions) =>
    exitWith(async () => {
      if (file) return planCommand(file, opts);
      plan.outputHelp({ error: true });
      return 2;
    }),
  );

plan
  .command('validate')
  .description(
    'check a masterplan (ids, dependencies, cycles, files, milestones, symbols, requirements, size, tests)',
  )
  .argument('<masterplan>', 'MasterPlan file (JSON, or the same shape in YAML)')
  .option('--discovery <file>', 'DiscoveryDocument whose requirements the plan must cover')
  .option('--max-task-loc <n>', 'largest estimatedLoc of one task', '300')
  .option('--json', 'print one JSON object')
  .action((file: string, opts: PlanValidateOptions) =>
    exitWith(() => planValidateCommand(file, opts)),
  );

const rag = program
  .command('rag')
  .description('retrieval over Chroma: index code and documents, query them');

rag
  .command('index')
  .description('index code files (one document per atom), text files and plans into a collection')
  .argument('<paths...>', 'files or directories; plan files (JSON or YAML) add their tasks')
  .requiredOption('--collection <name>', 'Chroma collection')
  .action((paths: string[], opts: RagIndexOptions) => exitWith(() => ragIndexCommand(paths, opts)));

rag
  .command('query')
  .description('the documents of a collection that best match a text, best first')
  .argument('<text>', 'what to look for: a description, a doc comment, identifiers')
  .requiredOption('--collection <name>', 'Chroma collection')
  .option('--k <n>', 'results', '5')
  .option('--ranking <r>', 'fused (dense + lexical by reciprocal rank) | dense | lexical', 'fused')
  .option('--json', 'print one JSON object')
  .action((text: string, opts: RagQueryOptions) => exitWith(() => ragQueryCommand(text, opts)));

rag
  .command('search')
  .description("search a running API's retrieval for your tenant (plans, documents, examples)")
  .argument('<text>', 'what to look for')
  .option('--api <url>', 'API base URL', process.env.MGE_API_URL ?? 'http://127.0.0.1:3000')
  .option('--k <n>', 'results', '8')
  .option('--language <l>', 'only code in this language (typescript, javascript, python)')
  .option('--json', 'print one JSON object')
  .action((text: string, opts: RagSearchOptions) => exitWith(() => ragSearchCommand(text, opts)));

rag
  .command('upload')
  .description(
    "index documents for your tenant through a running API (they inform its plans' prompts)",
  )
  .argument('<files...>', 'files to upload (code is split by atom, other text by section)')
  .option('--api <url>', 'API base URL', process.env.MGE_API_URL ?? 'http://127.0.0.1:3000')
  .option('--as <path>', 'the path to index one file under (default: its path from here)')
  .action((files: string[], opts: { api: string; as?: string }) =>
    exitWith(() => ragUploadCommand(files, opts)),
  );

program
  .command('chat')
  .description(
    'talk to the requirements assistant of a running API: it asks the open questions, then starts planning',
  )
  .option('--message <text>', 'send one message and print the reply (non-interactive)')
  .option('--conversation <id>', 'continue this conversation')
  .option('--wait-plan <seconds>', 'once planning started, wait this long for the plan id', '300')
  .option('--json', 'print one JSON object per turn')
  .option('--api <url>', 'API base URL', process.env.MGE_API_URL ?? 'http://127.0.0.1:3000')
  .action((opts: ChatOptions) => exitWith(() => chatCommand(opts)));

// Each action is wrapped in `exitWith`; a failure here is commander's own (parsing).
void exitWith(async () => {
  await program.parseAsync();
  return 0;
});
