import { execFileSync } from 'node:child_process';
import { pythonInterpreter } from './sandbox/interpreters.js';

/** What the installed Python knows: standard-library modules and builtin names. */
export interface PythonFacts {
  stdlib: ReadonlySet<string>;
  builtins: ReadonlySet<string>;
}

let cached: PythonFacts | null | undefined;

/**
 * Asks the local python3 once per process (our own code, not the plan's: no sandbox needed).
 * Undefined when no Python is installed; callers then skip checks that would need it.
 */
export function pythonFacts(): PythonFacts | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  const python = pythonInterpreter();
  if (!python) return undefined;
  try {
    const out = execFileSync(
      python.path,
      [
        '-c',
        'import sys, json, builtins; print(json.dumps([sorted(sys.stdlib_module_names), dir(builtins)]))',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    const [stdlib, builtins] = JSON.parse(out) as [string[], string[]];
    cached = {
      stdlib: new Set(stdlib),
      builtins: new Set([...builtins, '__name__', '__file__', '__doc__']),
    };
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
