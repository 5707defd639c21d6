import type { Diagnostic } from '@mge/core';
import { PlanModules } from '@mge/source';
import { atomLocator } from './line-ranges.js';
import type { LevelResult, PlanSources } from './plan-files.js';
import { nodeInterpreter, pythonInterpreter } from './sandbox/interpreters.js';
import type { SandboxOptions } from './sandbox/limits.js';
import { runSandboxed, type SandboxResult } from './sandbox/run-sandboxed.js';
import { SANDBOX_WORKSPACE } from './sandbox/sandbox-plan.js';
import { SandboxUnavailableError } from './sandbox/select-backend.js';
import { runtimePath, testRunFiles } from './system/build-files.js';
import { RUN_EACH_SCRIPT } from './system/node-harness.js';
import { nodeTestFailures, readHarnessEvents } from './system/node-tests.js';
import { pythonTestFailures } from './system/python-tests.js';
import { failureAtoms, failureDiagnostics } from './system/test-mapping.js';
import type { TestFailure } from './system/test-report.js';
import { createWorkspace } from './system/workspace.js';

/** Python runs each test file with `-m unittest -v`, merging stderr so output stays in order. */
const PYTHON_RUN_EACH = `
seconds="$1"; shift; runner="$1"; shift
for f in "$@"; do
  timeout -s KILL "$seconds" "$runner" -m unittest -v "$f" 2>&1
  echo "MGE-EXIT $? $f"
done
`;

/**
 * L4 system: the plan's tests run in the sandbox, each test file in its own process with its own
 * share of the wall-clock budget (`node` with the harness for JS/TS, `python -m unittest` for
 * Python). Each failure becomes diagnostics on the atoms it points at. Without a usable sandbox
 * (and without permission for a weak one) the level fails with the reason instead of running.
 */
export async function validateSystem(
  plan: PlanSources,
  sandbox: SandboxOptions,
): Promise<LevelResult> {
  const started = performance.now();
  const finish = (diagnostics: Diagnostic[]): LevelResult => ({
    level: 'system',
    scope: 'plan',
    passed: diagnostics.length === 0,
    diagnostics,
    durationMs: Math.round(performance.now() - started),
  });
  if (plan.tests.length === 0) return finish([]);
  const python = plan.language === 'python';
  const interpreter = python ? pythonInterpreter() : nodeInterpreter();
  if (!interpreter)
    return finish([{ level: 'system', message: 'python3 is not installed: cannot run the tests' }]);

  const { files, tests } = testRunFiles(plan);
  if (tests.length === 0) return finish([]);
  const workspace = await createWorkspace(files);
  try {
    const perFileSeconds = Math.max(
      1,
      Math.floor(sandbox.limits.wallClockMs / 1000 / tests.length) - 1,
    );
    const env: Record<string, string> = python
      ? {
          PYTHONDONTWRITEBYTECODE: '1',
          PYTHONPATH: pythonPath(plan, SANDBOX_WORKSPACE),
          PYTHONUNBUFFERED: '1',
        }
      : { MGE_TEST_LOG: '.mge/events.jsonl', NODE_NO_WARNINGS: '1' };
    let result: SandboxResult;
    try {
      result = await runSandboxed(
        {
          workspace: workspace.dir,
          command: [
            '/bin/sh',
            '-c',
            python ? PYTHON_RUN_EACH : RUN_EACH_SCRIPT,
            'sh',
            String(perFileSeconds),
            interpreter.path,
            ...tests,
          ],
          env,
          readOnly: interpreter.prefix ? [interpreter.prefix] : [],
        },
        sandbox,
      );
    } catch (error) {
      if (error instanceof SandboxUnavailableError)
        return finish([{ level: 'system', message: `L4 not run: ${error.message}` }]);
      throw error;
    }
    const roots = [SANDBOX_WORKSPACE, workspace.dir];
    const failures: TestFailure[] = python
      ? pythonTestFailures(tests, result, roots)
      : nodeTestFailures(tests, await readHarnessEvents(workspace.dir), result, roots);
    return finish(mapFailures(plan, failures));
  } finally {
    await workspace.dispose();
  }
}

/** The plan's Python source roots (as its one module resolver sees them) inside the sandbox. */
function pythonPath(plan: PlanSources, root: string): string {
  const modules = new PlanModules(plan.files.map((f) => f.path));
  return modules.pythonRoots.map((dir) => (dir ? `${root}/${dir}` : root)).join(':');
}

function mapFailures(plan: PlanSources, failures: readonly TestFailure[]): Diagnostic[] {
  const locate = atomLocator(plan.files);
  // Stack frames name runtime paths; TS sources were transpiled in place with source maps, so
  // frames already carry .ts paths, but a frame in an unmapped .js twin is translated back.
  const byRuntime = new Map(plan.files.map((f) => [runtimePath(f.path), f.path]));
  const testsByRuntime = new Map(plan.tests.map((t) => [runtimePath(t.path), t.path]));
  return failures.flatMap((failure) => {
    const normalized: TestFailure = {
      ...failure,
      testFile: testsByRuntime.get(failure.testFile) ?? failure.testFile,
      frames: failure.frames.map((f) => ({
        ...f,
        file: byRuntime.get(f.file) ?? testsByRuntime.get(f.file) ?? f.file,
      })),
    };
    return failureDiagnostics(
      normalized,
      failureAtoms(normalized, plan.files, plan.tests, locate),
      locate,
    );
  });
}
