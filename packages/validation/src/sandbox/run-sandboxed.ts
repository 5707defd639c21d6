import { spawn } from 'node:child_process';
import { chown, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { backendArgv, detectSandbox, dropsRoot } from './detect.js';
import { prlimitArgs, type SandboxOptions } from './limits.js';
import { SANDBOX_UID } from './sandbox-plan.js';
import { selectBackend, type SandboxBackend } from './select-backend.js';

export interface SandboxCommand {
  /** Host directory holding the files; the only writable path inside the sandbox. */
  workspace: string;
  /** Argv; relative paths resolve against the workspace. */
  command: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Host directories the command needs read-only (interpreter install prefixes). */
  readOnly?: readonly string[];
  signal?: AbortSignal;
}

export interface SandboxResult {
  exitCode: number | null;
  /** Signal that ended the command (SIGKILL after a limit, SIGXCPU for CPU time). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Output passed `maxOutputBytes`: the sandbox was killed and the rest dropped. */
  outputLimited: boolean;
  durationMs: number;
  isolation: SandboxBackend;
}

const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8' };

/**
 * Runs untrusted code in the backend `selectBackend` picks: bwrap or unshare (new namespaces, no
 * network, read-only system, writable workspace only), or limits only when weak is chosen or
 * allowed; else throws SandboxUnavailableError. Never rejects because of what the command does:
 * limits, crashes and timeouts come back in the result.
 */
export async function runSandboxed(
  run: SandboxCommand,
  options: SandboxOptions,
): Promise<SandboxResult> {
  const support = detectSandbox(options.paths);
  const { backend } = selectBackend(support, options.backend ?? 'auto', options.allowWeak);
  const env = { ...BASE_ENV, ...run.env };
  if (backend === 'weak') {
    const argv = [support.prlimit!, ...prlimitArgs(options.limits), ...run.command];
    return spawnLimited(argv, run, options, backend, env);
  }
  const dropRoot = dropsRoot(support);
  if (dropRoot) await chownTree(run.workspace, SANDBOX_UID);
  const argv = backendArgv(backend, {
    tool: support[backend]!,
    prlimit: support.prlimit!,
    setpriv: dropRoot ? support.setpriv : undefined,
    workspace: await realpath(run.workspace),
    readOnly: run.readOnly ?? [],
    env,
    limits: options.limits,
    command: run.command,
  });
  // The backend sets the command's environment itself; it starts with the base one only.
  return spawnLimited(argv, run, options, backend, BASE_ENV);
}

function spawnLimited(
  argv: string[],
  run: SandboxCommand,
  options: SandboxOptions,
  isolation: SandboxBackend,
  env: Readonly<Record<string, string>>,
): Promise<SandboxResult> {
  const { wallClockMs, maxOutputBytes } = options.limits;
  const started = performance.now();
  return new Promise((resolve) => {
    // detached: its own process group, so one kill reaches the backend and everything it started.
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: run.workspace,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    let outputLimited = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (outputLimited) return;
      const room = maxOutputBytes - bytes;
      if (chunk.length > room) {
        into.push(chunk.subarray(0, Math.max(0, room)));
        bytes = maxOutputBytes;
        outputLimited = true;
        kill();
        return;
      }
      into.push(chunk);
      bytes += chunk.length;
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, wallClockMs);
    const onAbort = () => kill();
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (spawnError ? spawnError.message : ''),
        timedOut,
        outputLimited,
        durationMs: Math.round(performance.now() - started),
        isolation,
      });
    };
    child.once('error', (error) => finish(null, null, error));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** The sandbox user must own the workspace to write in it. */
async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid);
    else await chown(full, uid, uid);
  }
}
