import type { SandboxLimits } from './limits.js';

/** Where the workspace appears inside the sandbox. */
export const SANDBOX_WORKSPACE = '/work';

/** Unprivileged uid/gid the sandbox runs as when the validator is root (nobody). */
export const SANDBOX_UID = 65_534;

/** Read-only system paths node and python need; skipped where a distribution lacks them. */
export const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64'];
export const ETC_PATHS = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
];

/** Everything a namespace backend needs to build its argv. */
export interface SandboxPlan {
  /** The backend's binary (bwrap or unshare). */
  tool: string;
  prlimit: string;
  /** setpriv to drop root before the backend starts; the kernel does not apply RLIMIT_NPROC to root. */
  setpriv: string | undefined;
  workspace: string;
  /** Host directories (interpreter prefixes) to expose read-only at the same path. */
  readOnly: readonly string[];
  env: Readonly<Record<string, string>>;
  limits: SandboxLimits;
  command: readonly string[];
}

/** `setpriv` arguments that make the backend start as the unprivileged sandbox user. */
export function dropRootArgs(setpriv: string | undefined): string[] {
  return setpriv
    ? [setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups']
    : [];
}
