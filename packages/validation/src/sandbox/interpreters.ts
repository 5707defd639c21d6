import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** An interpreter and the host directory that must be visible (read-only) in the sandbox to run it. */
export interface Interpreter {
  path: string;
  /** Install prefix to bind read-only; undefined when it lives under /usr (always bound). */
  prefix: string | undefined;
}

function prefixOf(binary: string): string | undefined {
  const real = realpathSync(binary);
  return real.startsWith('/usr/') ? undefined : path.dirname(path.dirname(real));
}

/** The Node.js running the validator also runs the plan's JS/TS tests. */
export function nodeInterpreter(): Interpreter {
  return { path: process.execPath, prefix: prefixOf(process.execPath) };
}

let python: Interpreter | null | undefined;

/**
 * A python3 that works without the caller's environment. System interpreters come first because
 * version-manager shims (pyenv) are shell scripts that need $HOME and cannot run in the sandbox.
 */
export function pythonInterpreter(): Interpreter | undefined {
  if (python !== undefined) return python ?? undefined;
  python = null;
  const candidates = ['/usr/bin/python3', '/usr/local/bin/python3'];
  for (const candidate of candidates) {
    if (existsSync(candidate)) {
      python = { path: candidate, prefix: prefixOf(candidate) };
      return python;
    }
  }
  try {
    const executable = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
      timeout: 10_000,
    }).trim();
    python = { path: executable, prefix: prefixOf(executable) };
  } catch {
    python = null;
  }
  return python ?? undefined;
}
