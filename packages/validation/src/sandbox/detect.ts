import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** What the host offers for isolating untrusted code. */
export interface SandboxSupport {
  /** Absolute path of a bwrap that can start a sandbox here, or undefined. */
  bwrap: string | undefined;
  /** prlimit (util-linux) applies the resource limits. */
  prlimit: string | undefined;
  /** setpriv drops root to an unprivileged uid: the kernel ignores RLIMIT_NPROC for root. */
  setpriv: string | undefined;
  /** Why bwrap is unusable, when it is. */
  reason?: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

let cached: SandboxSupport | undefined;

/**
 * Finds bwrap, prlimit and setpriv and checks that bwrap can actually create namespaces here (it
 * can be installed yet refused by the kernel, e.g. in an unprivileged container). Cached per process.
 */
export function detectSandbox(bwrapPath?: string): SandboxSupport {
  if (cached && !bwrapPath) return cached;
  const bwrap = bwrapPath ?? onPath('bwrap');
  const support: SandboxSupport = {
    bwrap: undefined,
    prlimit: onPath('prlimit'),
    setpriv: onPath('setpriv'),
  };
  if (!bwrap) {
    support.reason = 'bubblewrap (bwrap) is not installed; install the "bubblewrap" package';
  } else {
    try {
      execFileSync(bwrap, ['--unshare-all', '--ro-bind', '/', '/', '--', '/bin/true'], {
        stdio: 'pipe',
        timeout: 10_000,
      });
      support.bwrap = bwrap;
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      support.reason = `bwrap cannot create a sandbox here: ${stderr || String(error)}`;
    }
  }
  if (!bwrapPath) cached = support;
  return support;
}
