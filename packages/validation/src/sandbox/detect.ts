import { execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bwrapArgv } from './bwrap-args.js';
import { DEFAULT_SANDBOX_LIMITS } from './limits.js';
import { SANDBOX_UID, type SandboxPlan } from './sandbox-plan.js';
import { unshareArgv } from './unshare-args.js';

/** Backends that isolate untrusted code in new namespaces, best first. */
export const ISOLATING_BACKENDS = ['bwrap', 'unshare'] as const;
export type IsolatingBackend = (typeof ISOLATING_BACKENDS)[number];

/** What the host offers for isolating untrusted code. */
export interface SandboxSupport {
  /** Absolute path of a bwrap that can start a sandbox here, or undefined. */
  bwrap: string | undefined;
  /** Absolute path of a util-linux unshare that can start a sandbox here, or undefined. */
  unshare: string | undefined;
  /** prlimit (util-linux) applies the resource limits. */
  prlimit: string | undefined;
  /** setpriv drops root to an unprivileged uid: the kernel ignores RLIMIT_NPROC for root. */
  setpriv: string | undefined;
  /** Why each unusable backend is unusable. */
  reasons: Partial<Record<IsolatingBackend, string>>;
}

/** Binary paths to use instead of looking them up on PATH (tests point one at nothing). */
export type BackendPaths = Partial<Record<IsolatingBackend, string>>;

const ARGV: Record<IsolatingBackend, (plan: SandboxPlan) => string[]> = {
  bwrap: bwrapArgv,
  unshare: unshareArgv,
};

/** How to install each backend's binary on Debian and Ubuntu. */
const PACKAGE: Record<IsolatingBackend, string> = {
  bwrap: 'apt-get install bubblewrap',
  unshare: 'apt-get install util-linux',
};

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The real path (prlimit runs inside the sandbox, where only system paths are visible). */
function onPath(name: string): string | undefined {
  const found = (process.env.PATH ?? '/usr/bin:/bin')
    .split(path.delimiter)
    .map((dir) => path.join(dir, name))
    .find(executable);
  return found && realpathSync(found);
}

/** Whether the validator drops root (to SANDBOX_UID) before starting a backend. */
export function dropsRoot(support: Pick<SandboxSupport, 'setpriv'>): boolean {
  return process.getuid?.() === 0 && support.setpriv !== undefined;
}

/** The argv that runs `plan` with `backend`. */
export function backendArgv(backend: IsolatingBackend, plan: SandboxPlan): string[] {
  return ARGV[backend](plan);
}

/**
 * Starts `/bin/true` in the backend exactly as a real run would (same user, namespaces, mounts and
 * limits): a binary can be installed yet refused by the kernel, e.g. without unprivileged user
 * namespaces. Returns why it failed, or undefined.
 */
function probe(
  backend: IsolatingBackend,
  tool: string,
  support: SandboxSupport,
): string | undefined {
  const workspace = mkdtempSync(path.join(tmpdir(), 'mge-sandbox-probe-'));
  try {
    const setpriv = dropsRoot(support) ? support.setpriv : undefined;
    if (setpriv) chownSync(workspace, SANDBOX_UID, SANDBOX_UID);
    const argv = backendArgv(backend, {
      tool,
      prlimit: support.prlimit!,
      setpriv,
      workspace,
      readOnly: [],
      env: { PATH: '/usr/bin:/bin' },
      limits: DEFAULT_SANDBOX_LIMITS,
      command: ['/bin/true'],
    });
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'pipe', timeout: 10_000, env: {} });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `${backend} cannot create a sandbox here: ${stderr || String(error)}`;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

const cache = new Map<string, SandboxSupport>();

/**
 * Finds bwrap, unshare, prlimit and setpriv and checks that each backend can actually start a
 * sandbox here. Cached per process (and per `paths`).
 */
export function detectSandbox(paths: BackendPaths = {}): SandboxSupport {
  const key = JSON.stringify(paths);
  const cached = cache.get(key);
  if (cached) return cached;
  const support: SandboxSupport = {
    bwrap: undefined,
    unshare: undefined,
    prlimit: onPath('prlimit'),
    setpriv: onPath('setpriv'),
    reasons: {},
  };
  for (const backend of ISOLATING_BACKENDS) {
    const given = paths[backend];
    const tool = given === undefined ? onPath(backend) : executable(given) ? given : undefined;
    if (!tool) support.reasons[backend] = `${backend} is not installed (${PACKAGE[backend]})`;
    else if (!support.prlimit) support.reasons[backend] = 'prlimit (util-linux) is not installed';
    else {
      const failure = probe(backend, tool, support);
      if (failure) support.reasons[backend] = failure;
      else support[backend] = tool;
    }
  }
  cache.set(key, support);
  return support;
}
