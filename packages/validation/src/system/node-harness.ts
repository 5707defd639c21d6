/**
 * Preloaded into every JS/TS test process (`node --import`). It wraps node:test's `test` and `it`
 * so each test's start, pass or failure (with its source-mapped stack) is appended synchronously
 * to a log file: a test that loops forever or a process killed by a limit still leaves a record of
 * which test was running, which node's own reporter (asynchronous) cannot give.
 */
export const NODE_HARNESS = `
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { appendFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
const log = process.env.MGE_TEST_LOG;
const file = process.env.MGE_TEST_FILE;
const emit = (event) => { try { appendFileSync(log, JSON.stringify({ ...event, file }) + '\\n'); } catch {} };
function wrapBody(name, body) {
  if (typeof body !== 'function' || body.length >= 2) return body;
  return async function (...args) {
    emit({ event: 'start', name });
    try {
      const value = await body.apply(this, args);
      emit({ event: 'pass', name });
      return value;
    } catch (error) {
      emit({ event: 'fail', name, message: String(error && error.message || error), stack: String(error && error.stack || '') });
      throw error;
    }
  };
}
function wrapRunner(original) {
  const wrapped = function (...args) {
    const i = args.findIndex((a) => typeof a === 'function');
    const name = typeof args[0] === 'string' ? args[0] : (i >= 0 && args[i].name) || '<anonymous>';
    if (i >= 0) args[i] = wrapBody(name, args[i]);
    return original.apply(this, args);
  };
  return Object.assign(wrapped, original);
}
nodeTest.test = wrapRunner(nodeTest.test);
nodeTest.it = wrapRunner(nodeTest.it);
syncBuiltinESMExports();
`;

/** Runs each test file in its own process (one hang cannot hide the others), under `timeout`. */
export const RUN_EACH_SCRIPT = `
seconds="$1"; shift; runner="$1"; shift
for f in "$@"; do
  MGE_TEST_FILE="$f" timeout -s KILL "$seconds" "$runner" --enable-source-maps --import ./.mge/harness.mjs "$f"
  echo "MGE-EXIT $? $f"
done
`;
