import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parsePlanText } from '@mge/core';

/** The repository's (and the container image's) `examples/`, next to `packages/`. */
export const DEFAULT_EXAMPLES_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'examples');

/**
 * The example plans under `dir` (plan files in JSON or YAML, at any depth), named by their path
 * relative to it. A missing directory has none; a file that is not a plan is skipped.
 */
export async function readExamplePlans(dir: string): Promise<
  {
    name: string;
    tasks: { id: string; title: string; description: string; file: string; code: string }[];
  }[]
> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const files = entries
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  const plans = [];
  for (const file of files) {
    let plan;
    try {
      plan = parsePlanText(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    plans.push({
      name: path.relative(dir, file),
      tasks: plan.tasks.map((t) => ({
        id: t.id,
        title: t.title,
        description: t.description,
        file: t.file,
        code: t.code,
      })),
    });
  }
  return plans;
}
