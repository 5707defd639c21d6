import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { formatZodError } from '@mge/core';
import {
  DEFAULT_MAX_TASK_LOC,
  discoveryDocumentSchema,
  validatePlanValue,
  type DiscoveryDocument,
  type PlanValidation,
} from '@mge/planner';

export interface PlanValidateOptions {
  discovery?: string;
  maxTaskLoc?: string;
  json?: boolean;
}

/** A file that cannot be read or decoded, or a discovery document that is not one: exit 2. */
class UnreadableError extends Error {
  override readonly name = 'UnreadableError';
}

/**
 * `mge plan validate MASTERPLAN.json [--discovery DISCOVERY.json] [--json]`: the pure plan
 * validator's verdict. Exit 0 valid, 1 invalid, 2 unreadable (with the reason on stderr).
 */
export async function planValidateCommand(
  file: string,
  options: PlanValidateOptions,
): Promise<number> {
  let result: PlanValidation;
  try {
    const maxTaskLoc = Number(options.maxTaskLoc ?? DEFAULT_MAX_TASK_LOC);
    if (!Number.isInteger(maxTaskLoc) || maxTaskLoc < 1)
      throw new UnreadableError(`--max-task-loc must be a positive integer`);
    const discovery = options.discovery ? await readDiscovery(options.discovery) : undefined;
    result = validatePlanValue(await readDocument(file), { discovery, maxTaskLoc });
  } catch (error) {
    if (!(error instanceof UnreadableError)) throw error;
    process.stderr.write(`mge plan validate: ${error.message}\n`);
    return 2;
  }
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(summary(result));
  return result.valid ? 0 : 1;
}

/** JSON, or the same shape in YAML. */
async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UnreadableError(`${file}: ${(error as Error).message}`);
  }
  try {
    return /\.json$/i.test(file) || /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UnreadableError(`${file}: not valid JSON or YAML: ${(error as Error).message}`);
  }
}

async function readDiscovery(file: string): Promise<DiscoveryDocument> {
  const parsed = discoveryDocumentSchema.safeParse(await readDocument(file));
  if (!parsed.success)
    throw new UnreadableError(
      `${file} is not a discovery document:\n${formatZodError(parsed.error)}`,
    );
  return parsed.data;
}

function summary(result: PlanValidation): string {
  const lines = [
    ...result.errors.map((e) => `error   ${e.code}  ${e.path}  ${e.message}`),
    ...result.warnings.map((w) => `warning ${w.code}  ${w.path}  ${w.message}`),
  ];
  const { total, covered } = result.coverage.requirements;
  lines.push(
    `${result.valid ? 'valid' : 'invalid'}: ${result.errors.length} error(s), ` +
      `${result.warnings.length} warning(s)` +
      (total > 0 ? `, ${covered}/${total} requirements covered` : ''),
  );
  return `${lines.join('\n')}\n`;
}
