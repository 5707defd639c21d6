import { readFile } from 'node:fs/promises';
import { parsePlanText, type PlanInput } from '@mge/core';

/** Reads a plan file (JSON or YAML, by extension or content). Throws InvalidInputError. */
export async function readPlanFile(file: string): Promise<PlanInput> {
  const text = await readFile(file, 'utf8');
  const format = /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : 'auto';
  return parsePlanText(text, format);
}
