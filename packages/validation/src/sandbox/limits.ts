import type { BackendPaths } from './detect.js';
import type { SandboxChoice } from './select-backend.js';

/** Resource limits of one sandboxed run. Every limit is enforced by the kernel or by the runner. */
export interface SandboxLimits {
  /** RLIMIT_CPU of every process in the sandbox, in seconds. @defaultValue 30 */
  cpuSeconds: number;
  /** RLIMIT_AS (address space) of every process, in bytes. @defaultValue 2 GiB */
  memoryBytes: number;
  /** RLIMIT_NPROC inside the sandbox's own user namespace. @defaultValue 64 */
  maxProcesses: number;
  /** Wall-clock budget; the whole sandbox is killed when it runs out. @defaultValue 60 000 ms */
  wallClockMs: number;
  /** stdout + stderr kept; more output kills the sandbox. @defaultValue 1 MiB */
  maxOutputBytes: number;
  /** RLIMIT_FSIZE: the largest file a process may write. @defaultValue 64 MiB */
  maxFileBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  cpuSeconds: 30,
  memoryBytes: 2 * 1024 ** 3,
  maxProcesses: 64,
  wallClockMs: 60_000,
  maxOutputBytes: 1024 ** 2,
  maxFileBytes: 64 * 1024 ** 2,
};

/** How to isolate untrusted code. */
export interface SandboxOptions {
  limits: SandboxLimits;
  /**
   * `auto` (bwrap, else unshare), a forced backend, or `weak` (resource limits only: network and
   * file system are shared). @defaultValue `auto`
   */
  backend?: SandboxChoice;
  /**
   * Let `auto` fall back to `weak` when no isolating backend is usable. Off by default: L4 then
   * refuses to run and says what to install. @defaultValue false
   */
  allowWeak: boolean;
  /** Backend binaries to use instead of looking them up on PATH. */
  paths?: BackendPaths;
}

/** `prlimit` arguments applied inside the sandbox, just before the untrusted command starts. */
export function prlimitArgs(limits: SandboxLimits): string[] {
  return [
    `--cpu=${limits.cpuSeconds}`,
    `--as=${limits.memoryBytes}`,
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.maxFileBytes}`,
    '--core=0',
    '--',
  ];
}
