import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxResult } from '../sandbox/run-sandboxed.js';
import { scriptFrames, splitByFile, tail, wasKilled, type TestFailure } from './test-report.js';

interface HarnessEvent {
  event: 'start' | 'pass' | 'fail';
  name: string;
  file: string;
  message?: string;
  stack?: string;
}

/** The harness's event log, read from the host side of the workspace (bounded). */
export async function readHarnessEvents(workspace: string): Promise<HarnessEvent[]> {
  let text: string;
  try {
    text = (await readFile(path.join(workspace, '.mge', 'events.jsonl')))
      .subarray(0, 4 * 1024 ** 2)
      .toString();
  } catch {
    return [];
  }
  const events: HarnessEvent[] = [];
  for (const line of text.split('\n')) {
    try {
      if (line.startsWith('{')) events.push(JSON.parse(line) as HarnessEvent);
    } catch {
      // a line cut by a kill
    }
  }
  return events;
}

/**
 * Failures of a node:test run: failed tests with their stacks, a test that never finished
 * (infinite loop, killed by a limit), and files that crashed before or between tests.
 */
export function nodeTestFailures(
  files: readonly string[],
  events: readonly HarnessEvent[],
  result: SandboxResult,
  roots: readonly string[],
): TestFailure[] {
  const failures: TestFailure[] = [];
  const segments = splitByFile(result.stdout);
  for (const file of files) {
    const own = events.filter((e) => e.file === file);
    const segment = segments.get(file);
    for (const fail of own.filter((e) => e.event === 'fail'))
      failures.push({
        testFile: file,
        testName: fail.name,
        kind: 'failed',
        message: fail.message ?? 'test failed',
        frames: scriptFrames(fail.stack ?? '', roots),
      });
    const settled = new Set(own.filter((e) => e.event !== 'start').map((e) => e.name));
    const hung = own.find((e) => e.event === 'start' && !settled.has(e.name));
    const stopped = !segment || wasKilled(segment.exitCode);
    if (hung && stopped) {
      failures.push({
        testFile: file,
        testName: hung.name,
        kind: 'timeout',
        message: `test "${hung.name}" did not finish: ${limitReason(result, segment?.exitCode)}`,
        frames: [],
      });
    } else if (
      (segment && segment.exitCode !== 0 && !own.some((e) => e.event === 'fail')) ||
      (!segment && !hung)
    ) {
      const output = (segment?.output ?? '') + result.stderr;
      failures.push({
        testFile: file,
        kind: 'crash',
        message: segment
          ? `test file exited with status ${segment.exitCode}: ${tail(output)}`
          : `test file did not run: ${limitReason(result, undefined)}`,
        frames: scriptFrames(output, roots),
      });
    }
  }
  return failures;
}

export function limitReason(result: SandboxResult, exitCode: number | undefined): string {
  if (result.outputLimited) return 'output limit exceeded';
  if (result.timedOut) return 'wall-clock limit exceeded';
  if (exitCode === 152) return 'CPU-time limit exceeded';
  if (exitCode === 137 || exitCode === 124)
    return 'killed after its time limit (infinite loop or deadlock?)';
  return `stopped with status ${exitCode ?? result.exitCode ?? result.signal}`;
}
