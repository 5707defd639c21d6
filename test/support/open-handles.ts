/**
 * Leak check for the whole run. Jest runs test files in this process when it has one worker (a
 * 2-core machine) and then waits for the event loop to empty: a connection, timer or thread a test
 * left open would hang the run. `globalSetup` records what was open before any test; the teardown
 * fails the run, naming what is still open after the last test (given a moment to finish closing).
 * With several workers, test files run in child processes that Jest stops itself; then Jest's own
 * "worker process has failed to exit gracefully" warning is the signal (`npx jest FILE
 * --detectOpenHandles` finds the culprit either way).
 */
import { createHook } from 'node:async_hooks';

const GRACE_MS = 10_000;
/** After a leak: time for Jest to write its results before the process is ended. */
const EXIT_AFTER_MS = 5000;
/** Jest keeps what globalSetup puts on the global object for globalTeardown. */
const BASELINE = Symbol.for('mge.openHandles.baseline');
type WithBaseline = typeof globalThis & { [BASELINE]?: Map<string, number> };

/**
 * Every live timer with where it was made: a leaked `Timeout` is reported with its callback, its
 * delay and the stack that created it, not only counted. An `Error` is cheap to make; V8 formats
 * its stack only when it is read, which happens only for a leak.
 */
interface LiveTimer {
  timer: {
    hasRef?: () => boolean;
    _idleTimeout?: number;
    _repeat?: number | null;
    _onTimeout?: unknown;
  };
  origin: Error;
}
const TIMERS = Symbol.for('mge.openHandles.timers');
type WithTimers = typeof globalThis & { [TIMERS]?: Map<number, LiveTimer> };

function trackTimers(): void {
  const live = new Map<number, LiveTimer>();
  (globalThis as WithTimers)[TIMERS] = live;
  createHook({
    init(id, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 16;
      live.set(id, { timer: resource, origin: new Error('timer made') });
      Error.stackTraceLimit = limit;
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
}

/** The ref'd timers still pending, described for the leak report. */
function describeLiveTimers(): string[] {
  const live = (globalThis as WithTimers)[TIMERS];
  if (!live) return [];
  return [...live.values()]
    .filter(({ timer }) => timer.hasRef?.() ?? true)
    .map(({ timer, origin }) => {
      const callback = String(timer._onTimeout).replace(/\s+/g, ' ').slice(0, 200);
      const stack = (origin.stack ?? '')
        .split('\n')
        .slice(1)
        .filter((line) => !line.includes('node:internal') && !line.includes('open-handles'))
        .join('\n');
      return `Timeout ${timer._idleTimeout} ms${timer._repeat ? ' (repeating)' : ''}: ${callback}\n${stack}`;
    });
}

function counts(): Map<string, number> {
  const result = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    result.set(kind, (result.get(kind) ?? 0) + 1);
  return result;
}

function extra(): string[] {
  const before = (globalThis as WithBaseline)[BASELINE] ?? new Map<string, number>();
  return [...counts()]
    .filter(([kind, n]) => n > (before.get(kind) ?? 0))
    .map(([kind, n]) => `${kind} x${n - (before.get(kind) ?? 0)}`);
}

/** globalSetup: what is open before any test. */
export function recordOpenHandles(): void {
  (globalThis as WithBaseline)[BASELINE] = counts();
  trackTimers();
}

/** globalTeardown: fails the run (exit code 1) when more is open than before the first test. */
export async function assertNoOpenHandles(): Promise<void> {
  const deadline = Date.now() + GRACE_MS;
  let left = extra();
  while (left.length > 0 && Date.now() < deadline) {
    // A ref'd timer: with an unref'd one an empty event loop would end the process right here,
    // before Jest sets the exit code of failed tests.
    await new Promise((r) => setTimeout(r, 100));
    left = extra();
  }
  if (left.length === 0) return;
  // Not a throw: Jest writes no results when a global teardown throws, and CI counts from them.
  // Fail the run instead, and end it: the leaked handle would otherwise keep Jest waiting forever.
  process.stderr.write(
    `\nLEAK: tests left handles open (${left.join(', ')}): find them with ` +
      '`npx jest FILE --detectOpenHandles`\n',
  );
  for (const timer of describeLiveTimers()) process.stderr.write(`${timer}\n`);
  process.exitCode = 1;
  setTimeout(() => process.exit(1), EXIT_AFTER_MS);
}
