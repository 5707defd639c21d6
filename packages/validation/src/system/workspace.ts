import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface WorkspaceFile {
  path: string;
  content: string;
}

/** A throw-away directory holding a plan's files for one sandboxed run. */
export interface Workspace {
  dir: string;
  dispose(): Promise<void>;
}

/**
 * Writes files under a fresh temporary directory. Plan paths were checked to be relative with no
 * `..` at submission; this re-checks so no write lands outside the directory.
 */
export async function createWorkspace(files: readonly WorkspaceFile[]): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mge-validate-'));
  for (const file of files) {
    const target = path.resolve(dir, file.path);
    if (!target.startsWith(dir + path.sep))
      throw new Error(`path escapes the workspace: ${file.path}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
