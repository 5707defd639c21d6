import { readFile } from 'node:fs/promises';
import { ApiClient } from '../api-client.js';
import type { LiveFrame } from '../live-events.js';
import { print, printError } from '../output.js';
import { waitForPlan } from '../wait-for-plan.js';

export interface PlanOptions {
  json?: boolean;
  approve?: boolean;
  api: string;
  /** Poll interval. @defaultValue 500 */
  intervalMs?: number;
}

interface Discovery {
  discoveryId: string;
  status: 'stored' | 'analyzing' | 'ready' | 'failed';
  analysis: { requirements: { id: string; priority: string; text: string }[] } | null;
  error: string | null;
  attempts: number;
  usage: { inputTokens: number; outputTokens: number; dollars: number };
}

interface Issue {
  code: string;
  path: string;
  message: string;
}

interface Masterplan {
  id: string;
  status: string;
  error: string | null;
  masterplan: {
    version: number;
    document: {
      milestones: { id: string; name: string }[];
      tasks: { id: string; file: string; milestoneId: string }[];
    };
    validation: {
      valid: boolean;
      errors: Issue[];
      warnings: Issue[];
      coverage: { requirements: { total: number; covered: number; uncovered: string[] } };
    };
    estimate: { tokens: number; dollars: number; tasks: number };
  } | null;
}

/** What to configure when the fleet has no model for the planner (the API stored text only). */
export const NO_MODEL_MESSAGE =
  'mge plan: the fleet has no model for the planner, so it stored the requirements without analysing them.\n' +
  'Configure one where the API and the planner role run (`npx mge up`, compose or k8s):\n' +
  '  ANTHROPIC_API_KEY=...          the key of the Messages API\n' +
  '  ANTHROPIC_BASE_URL=...         optional: a gateway or a local server speaking the Messages API\n' +
  '  MGE_MODEL_LARGE=...            optional: the model that plans\n' +
  'Without a model, `npx mge demo` runs the bundled plan and `npx mge run PLAN` runs a plan you wrote.\n';

async function poll<T>(
  load: () => Promise<T>,
  done: (value: T) => boolean,
  show: (value: T) => string,
  intervalMs: number,
): Promise<T> {
  let last = '';
  for (;;) {
    const value = await load();
    const line = show(value);
    if (line !== last) await printError(`${line}\n`);
    last = line;
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** What one planner frame says, as a progress line; undefined for frames that say nothing new. */
export function stageLine(frame: LiveFrame): string | undefined {
  const step = String(frame.step);
  const message = typeof frame.message === 'string' ? frame.message : undefined;
  const attempt = typeof frame.attempt === 'number' ? ` (attempt ${frame.attempt})` : '';
  if (frame.type === 'cost')
    return `  cost: $${Number(frame.dollars).toFixed(4)}, ${Number(frame.tokens)} tokens (total $${Number(frame.spentDollars).toFixed(4)})`;
  if (frame.type !== 'planner') return undefined;
  switch (frame.status) {
    case 'queued':
      return `${step}: queued`;
    case 'started':
      return `${step}: started${message ? ` (${message})` : ''}`;
    case 'calling':
      return `${step}: asking the model${attempt}`;
    case 'retrying':
      return `${step}: answer rejected${attempt}, asking again: ${message ?? ''}`;
    case 'done':
      return `${step}: done${message ? ` (${message})` : ''}`;
    case 'failed':
      return `${step}: failed${message ? `: ${message}` : ''}`;
    default:
      return undefined;
  }
}

/**
 * Waits for a discovery or a plan to leave its working status, printing progress on stderr: the
 * live socket's planner steps when it can be followed (from `?since=0`: every step, those before
 * the socket opened too), else polling (an API without the socket,
 * or a socket that drops); then the final state, loaded once, with its summary line.
 */
async function watch<T>(
  client: ApiClient,
  socket: { path: string; settled: (frame: LiveFrame) => boolean },
  load: () => Promise<T>,
  done: (value: T) => boolean,
  show: (value: T) => string,
  intervalMs: number,
): Promise<T> {
  const followed = await client.follow(socket.path, async (frame) => {
    const line = stageLine(frame);
    if (line) await printError(`${line}\n`);
    return socket.settled(frame);
  });
  if (followed) {
    const value = await load();
    if (done(value)) {
      await printError(`${show(value)}\n`);
      return value;
    }
  }
  return poll(load, done, show, intervalMs);
}

/**
 * `mge plan REQUIREMENTS.md [--json] [--approve]`: requirements -> discovery -> MasterPlan on a
 * running fleet (`mge up`), with progress on stderr (each planner step from the live sockets, or
 * polled when they cannot be followed); `--approve` starts the plan when it validates
 * and waits for its end. Exit 0 when the plan validates (and, approved, completes), 1 when it does
 * not, 2 on bad input or configuration (a fleet without a model).
 */
export async function planCommand(file: string, options: PlanOptions): Promise<number> {
  const key = process.env.MGE_API_KEY ?? process.env.MGE_ADMIN_TOKEN;
  if (!key) {
    await printError(
      'mge plan: set MGE_API_KEY (from `npx mge keys create --tenant NAME`) or MGE_ADMIN_TOKEN\n',
    );
    return 2;
  }
  let requirements: string;
  try {
    requirements = await readFile(file, 'utf8');
  } catch (error) {
    await printError(`mge plan: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const client = new ApiClient(options.api, key);
  const interval = options.intervalMs ?? 500;
  const started = await client.v1<Discovery>('POST', 'discovery/start', { requirements });
  if (started.status === 'stored') {
    await printError(NO_MODEL_MESSAGE);
    return 2;
  }
  const discovery = await watch(
    client,
    {
      path: `/ws/discovery/${started.discoveryId}?since=0`,
      settled: (f) =>
        (f.type === 'discovery' && f.status !== 'analyzing') ||
        (f.type === 'snapshot' && (f.discovery as Discovery).status !== 'analyzing'),
    },
    () => client.v1<Discovery>('GET', `discovery/${started.discoveryId}`),
    (d) => d.status !== 'analyzing',
    (d) =>
      d.status === 'analyzing'
        ? `discovery ${d.discoveryId}: analysing (attempt ${Math.max(1, d.attempts)})`
        : d.status === 'ready'
          ? `discovery: ${d.analysis?.requirements.length ?? 0} requirements ($${d.usage.dollars.toFixed(4)})`
          : `discovery failed: ${d.error ?? 'no reason recorded'}`,
    interval,
  );
  if (discovery.status !== 'ready') {
    if (options.json) await print(`${JSON.stringify({ discovery })}\n`);
    return 1;
  }
  const generated = await client.v1<{ masterplanId: string }>('POST', 'masterplan/generate', {
    discoveryId: discovery.discoveryId,
  });
  const plan = await watch(
    client,
    {
      path: `/ws/masterplan/${generated.masterplanId}?since=0`,
      settled: (f) =>
        (f.type === 'plan' && f.status !== 'planning') ||
        (f.type === 'snapshot' && (f.plan as { status: string }).status !== 'planning'),
    },
    () => client.v1<Masterplan>('GET', `masterplan/${generated.masterplanId}`),
    (p) => p.status !== 'planning',
    (p) =>
      p.status === 'planning'
        ? `masterplan ${p.id}: planning${p.masterplan ? ` (version ${p.masterplan.version}, repairing)` : ''}`
        : p.masterplan
          ? `masterplan: ${p.masterplan.document.milestones.length} milestones, ${p.masterplan.document.tasks.length} tasks, ` +
            `requirements covered ${p.masterplan.validation.coverage.requirements.covered}/${p.masterplan.validation.coverage.requirements.total}`
          : `masterplan ${p.status}: ${p.error ?? 'no reason recorded'}`,
    interval,
  );
  const validation = plan.masterplan?.validation;
  const estimate = plan.masterplan?.estimate;
  if (estimate)
    await printError(
      `estimated cost to write ${estimate.tasks} tasks: about ${estimate.tokens} tokens, $${estimate.dollars.toFixed(4)}\n`,
    );
  for (const issue of validation?.errors ?? [])
    await printError(`  error ${issue.code} at ${issue.path}: ${issue.message}\n`);
  for (const issue of validation?.warnings ?? [])
    await printError(`  warning ${issue.code} at ${issue.path}: ${issue.message}\n`);
  if (!validation?.valid) {
    if (options.json) await print(`${JSON.stringify({ discovery, masterplan: plan })}\n`);
    return 1;
  }
  if (!options.approve) {
    await print(
      options.json
        ? `${JSON.stringify({ discovery, masterplan: plan })}\n`
        : `${plan.id}\napprove with: POST /api/v1/masterplan/${plan.id}/approve (or mge plan --approve)\n`,
    );
    return 0;
  }
  await client.v1('POST', `masterplan/${plan.id}/approve`, {});
  const view = await waitForPlan(() => client.plan(plan.id), {
    progress: !options.json,
    live: client.livePlan(plan.id),
  });
  await print(
    options.json
      ? `${JSON.stringify({ discovery, masterplan: plan, run: view })}\n`
      : `${view.status}${view.outputDir ? `: ${view.outputDir}` : ''}${view.error ? ` (${view.error})` : ''}\n`,
  );
  return view.status === 'completed' ? 0 : 1;
}
