import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, NotFoundError } from '@mge/core';
import { ZipFile } from 'yazl';

/**
 * Reading a plan's output workspace (the directory `writeWorkspace` wrote, `plans.output_dir`):
 * its files, one file's text, and the whole of it as a zip. Every path is resolved inside the
 * workspace: `..`, absolute paths and symbolic links out of it are refused.
 */
export interface WorkspaceFile {
  path: string;
  size: number;
}

/** The plan's workspace directory, or a 404 naming why there is none. */
export function workspaceOf(plan: { id: string; outputDir: string | null }): string {
  if (!plan.outputDir) throw new NotFoundError('output of plan', plan.id);
  return plan.outputDir;
}

/** Every regular file under `dir`, by relative POSIX path, sorted. */
export async function listWorkspace(dir: string): Promise<WorkspaceFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new NotFoundError('output directory', path.basename(dir));
      throw err;
    },
  );
  const files: WorkspaceFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const { size } = await lstat(full);
    files.push({ path: path.relative(dir, full).split(path.sep).join('/'), size });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The absolute path of `relative` inside `dir`: 400 when it would leave it, 404 when absent. */
export async function resolveInWorkspace(dir: string, relative: string): Promise<string> {
  const root = path.resolve(dir);
  const target = path.resolve(root, relative);
  if (path.isAbsolute(relative) || !target.startsWith(root + path.sep))
    throw new InvalidInputError(`path ${JSON.stringify(relative)} is outside the plan's output`);
  const real = await realpath(target).catch(() => {
    throw new NotFoundError('output file', relative);
  });
  const realRoot = await realpath(root);
  if (!real.startsWith(realRoot + path.sep))
    throw new InvalidInputError(`path ${JSON.stringify(relative)} is outside the plan's output`);
  if (!(await lstat(real)).isFile()) throw new NotFoundError('output file', relative);
  return real;
}

/** One file's text (files are source code; at most `maxBytes`). */
export async function readWorkspaceFile(
  dir: string,
  relative: string,
  maxBytes = 2_000_000,
): Promise<{ path: string; size: number; content: string }> {
  const file = await resolveInWorkspace(dir, relative);
  const { size } = await lstat(file);
  if (size > maxBytes)
    throw new InvalidInputError(`${relative} is ${size} bytes: more than ${maxBytes} to show`);
  return { path: relative, size, content: await readFile(file, 'utf8') };
}

/** A zip of the workspace's files under `<prefix>/`, streamed as it is written. */
export async function zipWorkspace(dir: string, prefix: string): Promise<NodeJS.ReadableStream> {
  const files = await listWorkspace(dir);
  const zip = new ZipFile();
  for (const f of files) zip.addFile(path.join(dir, f.path), `${prefix}/${f.path}`);
  zip.end();
  return zip.outputStream;
}
