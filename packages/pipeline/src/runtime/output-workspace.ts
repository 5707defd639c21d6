import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HierarchyResult } from '@mge/validation';

export interface OutputFile {
  path: string;
  content: string;
}

/**
 * Writes a plan's files under `root/<planId>/`, replacing an earlier write of the same plan.
 * Paths were validated as relative at submission; this re-checks that none escapes the directory.
 * The files are written into a fresh sibling directory that then takes the place of the old one
 * (two renames), so a reader (the console's output browser, the zip) sees the old workspace or
 * the new one, never a half-written one (a repair round rewrites it while people browse it).
 */
export async function writeWorkspace(
  root: string,
  planId: string,
  files: readonly OutputFile[],
): Promise<string> {
  const dir = path.resolve(root, planId);
  const next = `${dir}.next-${randomUUID()}`;
  const old = `${dir}.old-${randomUUID()}`;
  try {
    await mkdir(next, { recursive: true });
    for (const file of files) {
      const target = path.resolve(next, file.path);
      if (!target.startsWith(next + path.sep))
        throw new Error(`refusing to write outside the workspace: ${file.path}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    const replaced = await rename(dir, old).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    await rename(next, dir);
    if (replaced) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(next, { recursive: true, force: true });
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
