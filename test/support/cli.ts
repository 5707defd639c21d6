import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The compiled `mge` entry point (tests of the CLI as users run it: a child process). */
export const MGE_BIN = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'mge.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `mge ARGS...` with stdout and stderr on pipes (never a file or a TTY); stdin is empty,
 * or `input` written to a pipe and then closed.
 */
export function spawnMge(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): { child: ChildProcess; result: Promise<CliResult> } {
  if (!existsSync(path.resolve(MGE_BIN, '..', '..', 'dist', 'main.js')))
    throw new Error('apps/cli/dist is missing: run `npm run build` (npm test builds first)');
  const child = spawn(process.execPath, [MGE_BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
  return { child, result };
}

/** Runs `mge ARGS...` to its end. */
export function runMge(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> {
  return spawnMge(args, options).result;
}
