import { prlimitArgs } from './limits.js';
import {
  dropRootArgs,
  ETC_PATHS,
  SANDBOX_WORKSPACE,
  SYSTEM_PATHS,
  type SandboxPlan,
} from './sandbox-plan.js';

/**
 * The full argv: [setpriv ...] bwrap <namespaces and mounts> prlimit <limits> -- command.
 * Every namespace is new (no network: only a loopback device), the workspace is the only
 * writable host path, /tmp is a small tmpfs, and the sandbox dies with its parent.
 */
export function bwrapArgv(plan: SandboxPlan): string[] {
  const args = dropRootArgs(plan.setpriv);
  args.push(plan.tool, '--unshare-all', '--die-with-parent', '--new-session');
  args.push('--hostname', 'sandbox');
  for (const p of SYSTEM_PATHS) args.push('--ro-bind-try', p, p);
  for (const p of ETC_PATHS) args.push('--ro-bind-try', p, p);
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--size', String(64 * 1024 * 1024), '--tmpfs', '/tmp');
  // After /tmp, which would otherwise hide a prefix under it.
  for (const p of plan.readOnly) args.push('--ro-bind', p, p);
  args.push('--bind', plan.workspace, SANDBOX_WORKSPACE, '--chdir', SANDBOX_WORKSPACE);
  args.push('--clearenv');
  for (const [key, value] of Object.entries(plan.env)) args.push('--setenv', key, value);
  args.push('--', plan.prlimit, ...prlimitArgs(plan.limits), ...plan.command);
  return args;
}
