import { InvalidInputError, type PlanInput } from '@mge/core';
import { ensureTenant } from '@mge/db';
import { getPlanView, getRunResult, submitPlan } from '@mge/pipeline';
import { DEFAULT_TENANT } from '@mge/api';
import { startFleet } from '../fleet.js';
import { readPlanFile } from '../plan-file.js';
import { waitForPlan } from '../wait-for-plan.js';
import { print, printError } from '../output.js';

/**
 * `mge run PLAN [--json]`: one plan to its end on the embedded fleet. Exit 0 completed and
 * validated, 1 otherwise, 2 on bad input (reason on stderr).
 */
export async function runCommand(file: string, options: { json?: boolean }): Promise<number> {
  let input: PlanInput;
  try {
    input = await readPlanFile(file);
  } catch (error) {
    if (error instanceof InvalidInputError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      await printError(`mge run: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const fleet = await startFleet({ ephemeralDatabase: true, defaultLogLevel: 'warn' });
  try {
    const { db } = fleet.resources;
    const tenant = await ensureTenant(db, DEFAULT_TENANT);
    const { planId } = await submitPlan(fleet.resources, tenant.id, input);
    await waitForPlan(() => getPlanView(db, planId), {
      progress: !options.json || process.stderr.isTTY,
    });
    const result = (await getRunResult(db, planId))!;
    if (options.json) {
      await print(`${JSON.stringify(result)}\n`);
      if (result.error) await printError(`mge run: plan ${result.status}: ${result.error}\n`);
    } else await print(summary(result));
    return result.status === 'completed' ? 0 : 1;
  } finally {
    await fleet.stop();
  }
}

function summary(result: NonNullable<Awaited<ReturnType<typeof getRunResult>>>): string {
  const validated = result.atoms.filter((a) => a.status === 'validated').length;
  return [
    `${result.status}: ${validated}/${result.atoms.length} atoms validated`,
    ...result.validation.map((v) => `  ${v.level.padEnd(10)} ${v.passed ? 'passed' : 'FAILED'}`),
    ...(result.error ? [`  ${result.error}`] : []),
    ...(result.outputDir ? [`output: ${result.outputDir}`] : []),
    '',
  ].join('\n');
}
