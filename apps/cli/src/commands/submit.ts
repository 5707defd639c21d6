import { TERMINAL_PLAN_STATUSES } from '@mge/core';
import { ApiClient } from '../api-client.js';
import { readPlanFile } from '../plan-file.js';
import { waitForPlan } from '../wait-for-plan.js';

export interface SubmitOptions {
  watch?: boolean;
  json?: boolean;
  api: string;
}

/** `mge submit PLAN [--watch]`: sends a plan to a running API (`mge up`), optionally watching it. */
export async function submitCommand(file: string, options: SubmitOptions): Promise<number> {
  const key = process.env.MGE_API_KEY ?? process.env.MGE_ADMIN_TOKEN;
  if (!key) {
    process.stderr.write(
      'mge submit: set MGE_API_KEY (from `npx mge keys create --tenant NAME`) or MGE_ADMIN_TOKEN\n',
    );
    return 2;
  }
  const input = await readPlanFile(file);
  const client = new ApiClient(options.api, key);
  const { id } = await client.submit(input);
  process.stderr.write(`submitted plan ${id}\n`);
  if (!options.watch) {
    process.stdout.write(options.json ? `${JSON.stringify({ id })}\n` : `${id}\n`);
    return 0;
  }
  const view = await waitForPlan(() => client.plan(id));
  process.stdout.write(
    options.json
      ? `${JSON.stringify(view)}\n`
      : `${view.status}${view.outputDir ? `: ${view.outputDir}` : ''}${view.error ? ` (${view.error})` : ''}\n`,
  );
  return view.status === 'completed' ? 0 : TERMINAL_PLAN_STATUSES.includes(view.status) ? 1 : 0;
}
