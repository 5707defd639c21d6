import type { SandboxLimits } from './limits.js';
import { prlimitArgs } from './limits.js';

/** Where the workspace appears inside the sandbox. */
export const SANDBOX_WORKSPACE = '/work';

/** Unprivileged uid/gid the sandbox runs as when the validator is root (nobody). */
export const SANDBOX_UID = 65_534;

export interface BwrapPlan {
  bwrap: string;
  prlimit: string;
  /** setpriv to drop root before bwrap; the kernel does not apply RLIMIT_NPROC to root. */
  setpriv: string | undefined;
  workspace: string;
  /** Host directories (interpreter prefixes) to expose read-only at the same path. */
  readOnly: readonly string[];
  env: Readonly<Record<string, string>>;
  limits: SandboxLimits;
  command: readonly string[];
}

/** Read-only system paths node and python need; `-try` because distributions differ. */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64'];
const ETC_PATHS = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/alternatives'];

/**
 * The full argv: [setpriv ...] bwrap <namespaces and mounts> prlimit <limits> -- command.
 * Every namespace is new (no network: only a loopback device), the workspace is the only
 * writable host path, /tmp is a small tmpfs, and the sandbox dies with its parent.
 */
export function bwrapArgv(plan: BwrapPlan): string[] {
  const args: string[] = [];
  if (plan.setpriv)
    args.push(plan.setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups');
  args.push(plan.bwrap, '--unshare-all', '--die-with-parent', '--new-session');
  args.push('--hostname', 'sandbox');
  for (const p of SYSTEM_PATHS) args.push('--ro-bind-try', p, p);
  for (const p of ETC_PATHS) args.push('--ro-bind-try', p, p);
  for (const p of plan.readOnly) args.push('--ro-bind', p, p);
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--size', String(64 * 1024 * 1024), '--tmpfs', '/tmp');
  args.push('--bind', plan.workspace, SANDBOX_WORKSPACE, '--chdir', SANDBOX_WORKSPACE);
  args.push('--clearenv');
  for (const [key, value] of Object.entries(plan.env)) args.push('--setenv', key, value);
  args.push('--', plan.prlimit, ...prlimitArgs(plan.limits), ...plan.command);
  return args;
}
