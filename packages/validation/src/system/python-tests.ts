import type { SandboxResult } from '../sandbox/run-sandboxed.js';
import { limitReason } from './node-tests.js';
import { pythonFrames, splitByFile, tail, wasKilled, type TestFailure } from './test-report.js';

/** unittest's status for a file without tests (Python 3.12+): not a failure. */
const NO_TESTS_RAN = 5;
const SEPARATOR = /^(?:={70}|-{70})$/m;

/**
 * Failures of `python -m unittest -v`, file by file: FAIL/ERROR blocks with their tracebacks, the
 * test left running when a limit killed the process (verbose mode flushes each test's name before
 * running it), and crashes.
 */
export function pythonTestFailures(
  files: readonly string[],
  result: SandboxResult,
  roots: readonly string[],
): TestFailure[] {
  const failures: TestFailure[] = [];
  const segments = splitByFile(result.stdout);
  for (const file of files) {
    const segment = segments.get(file);
    const output = segment?.output ?? '';
    let found = 0;
    for (const match of output.matchAll(/^(FAIL|ERROR): (\S+)(?: \(([^)]*)\))?/gm)) {
      const rest = output.slice(match.index + match[0].length);
      const block = rest.split(/^-{70}$/m)[1]?.split(SEPARATOR)[0] ?? rest;
      const lines = block.trim().split('\n');
      failures.push({
        testFile: file,
        testName: match[2]!,
        kind: 'failed',
        message:
          lines.find((l) => /^\w+(?:Error|Exception)\b/.test(l)) ??
          lines[lines.length - 1] ??
          match[0],
        frames: pythonFrames(block, roots),
      });
      found++;
    }
    if (found > 0) continue;
    const stopped = !segment || wasKilled(segment.exitCode);
    const running = [...output.matchAll(/^(\w+) \([^)]*\)(?:\n.*)? \.\.\. ?$/gm)].pop();
    if (stopped && running) {
      failures.push({
        testFile: file,
        testName: running[1]!,
        kind: 'timeout',
        message: `test "${running[1]}" did not finish: ${limitReason(result, segment?.exitCode)}`,
        frames: [],
      });
    } else if (!segment || (segment.exitCode !== 0 && segment.exitCode !== NO_TESTS_RAN)) {
      failures.push({
        testFile: file,
        kind: 'crash',
        message: segment
          ? `test file exited with status ${segment.exitCode}: ${tail(output + result.stderr)}`
          : `test file did not run: ${limitReason(result, undefined)}`,
        frames: pythonFrames(output, roots),
      });
    }
  }
  return failures;
}
