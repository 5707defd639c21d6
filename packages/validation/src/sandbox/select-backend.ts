import { MgeError } from '@mge/core';
import { ISOLATING_BACKENDS, type IsolatingBackend, type SandboxSupport } from './detect.js';

/** How untrusted code runs: in namespaces (bwrap, unshare) or with resource limits only (weak). */
export type SandboxBackend = IsolatingBackend | 'weak';
/** `auto` takes the best isolating backend the host offers. */
export type SandboxChoice = SandboxBackend | 'auto';

/** L4 cannot run: the chosen backend (or, for `auto`, every isolating one) is unusable. */
export class SandboxUnavailableError extends MgeError {
  readonly code = 'sandbox_unavailable';
  readonly retryable = false;
}

const WEAK_HINT =
  'MGE_SANDBOX=weak (or MGE_SANDBOX_ALLOW_WEAK=true) accepts resource limits without isolation';

/** The backend a run uses, and what a better one would need (empty when none is better). */
export interface SandboxSelection {
  backend: SandboxBackend;
  advice: string;
}

/**
 * `auto`: bwrap if usable, else unshare, else weak when `allowWeak`, else SandboxUnavailableError
 * saying what to install. A forced backend is used only if usable; `weak` is always usable.
 */
export function selectBackend(
  support: SandboxSupport,
  choice: SandboxChoice,
  allowWeak: boolean,
): SandboxSelection {
  if (!support.prlimit)
    throw new SandboxUnavailableError('prlimit (util-linux) is required to limit untrusted code');
  // What stands in the way of each backend better than `upTo` (all when undefined).
  const adviceUpTo = (upTo?: IsolatingBackend) =>
    ISOLATING_BACKENDS.slice(0, upTo ? ISOLATING_BACKENDS.indexOf(upTo) : undefined)
      .map((b) => support.reasons[b])
      .filter(Boolean)
      .join('; ');
  if (choice === 'weak') return { backend: 'weak', advice: adviceUpTo() };
  if (choice !== 'auto') {
    if (support[choice]) return { backend: choice, advice: '' };
    throw new SandboxUnavailableError(
      `refusing to run untrusted code: MGE_SANDBOX=${choice} but ${support.reasons[choice]}`,
    );
  }
  const usable = ISOLATING_BACKENDS.find((b) => support[b]);
  if (usable) return { backend: usable, advice: adviceUpTo(usable) };
  if (allowWeak) return { backend: 'weak', advice: adviceUpTo() };
  throw new SandboxUnavailableError(
    `refusing to run untrusted code: no isolating sandbox (${adviceUpTo()}); ${WEAK_HINT}`,
  );
}

/** The backend runs would use here (null: L4 refuses to run) and what a better one needs. */
export interface SandboxReport {
  backend: SandboxBackend | null;
  advice: string;
}

/** `selectBackend` without throwing: for start-up logs and `mge doctor`. */
export function sandboxReport(
  support: SandboxSupport,
  choice: SandboxChoice,
  allowWeak: boolean,
): SandboxReport {
  try {
    return selectBackend(support, choice, allowWeak);
  } catch (error) {
    if (error instanceof SandboxUnavailableError) return { backend: null, advice: error.message };
    throw error;
  }
}
