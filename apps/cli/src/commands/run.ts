import { InvalidInputError, type PlanInput } from '@mge/core';
import { ensureTenant } from '@mge/db';
import { getPlanView, getRunResult, submitPlan } from '@mge/pipeline';
import { DEFAULT_TENANT } from '@mge/api';
import { startFleet } from '../fleet.js';
import { readPlanFile } from '../plan-file.js';
import { waitForPlan } from '../wait-for-plan.js';

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
      process.stderr.write(`mge run: ${(error as Error).message}\n`);
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
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else printSummary(result);
    return result.status === 'completed' ? 0 : 1;
  } finally {
    await fleet.stop();
  }
}

function printSummary(result: NonNullable<Awaited<ReturnType<typeof getRunResult>>>): void {
  const validated = result.atoms.filter((a) => a.status === 'validated').length;
  process.stdout.write(`${result.status}: ${validated}/${result.atoms.length} atoms validated\n`);
  for (const v of result.validation)
    process.stdout.write(`  ${v.level.padEnd(10)} ${v.passed ? 'passed' : 'FAILED'}\n`);
  if (result.error) process.stdout.write(`  ${result.error}\n`);
  if (result.outputDir) process.stdout.write(`output: ${result.outputDir}\n`);
}
