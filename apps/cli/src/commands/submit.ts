import { TERMINAL_PLAN_STATUSES } from '@mge/core';
import { ApiClient, apiKeyFromEnv } from '../api-client.js';
import { readPlanFile } from '../plan-file.js';
import { waitForPlan } from '../wait-for-plan.js';
import { print, printError } from '../output.js';

export interface SubmitOptions {
  watch?: boolean;
  json?: boolean;
  api: string;
}

/**
 * `mge submit PLAN [--watch]`: sends a plan to a running API (`mge up`), optionally watching it
 * (progress from the plan's live socket, or polled when it cannot be followed).
 */
export async function submitCommand(file: string, options: SubmitOptions): Promise<number> {
  const key = await apiKeyFromEnv('submit');
  if (!key) return 2;
  const input = await readPlanFile(file);
  const client = new ApiClient(options.api, key);
  const { id } = await client.submit(input);
  await printError(`submitted plan ${id}\n`);
  if (!options.watch) {
    await print(options.json ? `${JSON.stringify({ id })}\n` : `${id}\n`);
    return 0;
  }
  const view = await waitForPlan(() => client.plan(id), { live: client.livePlan(id) });
  await print(
    options.json
      ? `${JSON.stringify(view)}\n`
      : `${view.status}${view.outputDir ? `: ${view.outputDir}` : ''}${view.error ? ` (${view.error})` : ''}\n`,
  );
  if (view.status === 'completed') return 0;
  await printError(
    `mge submit: plan ${id} ${view.status}: ${view.error ?? 'no reason recorded'}\n`,
  );
  return TERMINAL_PLAN_STATUSES.includes(view.status) ? 1 : 0;
}
