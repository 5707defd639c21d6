import path from 'node:path';
import { startFleet } from '../fleet.js';
import { ApiClient } from '../api-client.js';
import { readPlanFile } from '../plan-file.js';
import { waitForPlan } from '../wait-for-plan.js';
import { print, printError } from '../output.js';

export const EXAMPLE_PLAN = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'examples',
  'bookshop',
  'plan.yaml',
);

/**
 * `mge demo`: starts the embedded fleet with its API, submits the bundled example plan over HTTP,
 * shows progress, and exits 0 when the plan completed and validated.
 */
export async function demoCommand(): Promise<number> {
  const input = await readPlanFile(EXAMPLE_PLAN);
  await printError(
    `MGE demo: ${input.name} (${input.tasks.length} files) from ${path.relative(process.cwd(), EXAMPLE_PLAN)}\n`,
  );
  const fleet = await startFleet({ apiPort: 0, ephemeralDatabase: true, defaultLogLevel: 'warn' });
  try {
    const client = new ApiClient(fleet.api!.url, fleet.config.adminToken!);
    const { id } = await client.submit(input);
    await printError(
      `submitted plan ${id} to ${fleet.api!.url} (LLM provider: ${fleet.resources.llm.name})\n`,
    );
    const view = await waitForPlan(() => client.plan(id), { live: client.livePlan(id) });
    if (view.status === 'completed') {
      await print(
        `demo completed: ${view.progress.generate.done} atoms validated; output in ${view.outputDir}\n`,
      );
      return 0;
    }
    await print(`demo ended ${view.status}: ${view.error ?? 'no reason recorded'}\n`);
    return 1;
  } finally {
    await fleet.stop();
  }
}
