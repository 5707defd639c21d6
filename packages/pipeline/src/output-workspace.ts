import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HierarchyResult } from '@mge/validation';

export interface OutputFile {
  path: string;
  content: string;
}

/**
 * Writes a plan's files under `root/<planId>/`, replacing an earlier write of the same plan.
 * Paths were validated as relative at submission; this re-checks that none escapes the directory.
 */
export async function writeWorkspace(
  root: string,
  planId: string,
  files: readonly OutputFile[],
): Promise<string> {
  const dir = path.resolve(root, planId);
  await rm(dir, { recursive: true, force: true });
  for (const file of files) {
    const target = path.resolve(dir, file.path);
    if (!target.startsWith(dir + path.sep))
      throw new Error(`refusing to write outside the workspace: ${file.path}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return dir;
}

/** The `validation` section of `mge-report.json`: each level's verdict, in both modes. */
export function reportValidation(outcome: HierarchyResult) {
  return outcome.results.map((v) => ({
    level: v.level,
    scope: v.scope,
    passed: v.passed,
    durationMs: v.durationMs,
    diagnostics: v.diagnostics,
  }));
}
