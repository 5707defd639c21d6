import type { Diagnostic } from '@mge/core';
import { runSandboxed } from '../sandbox/run-sandboxed.js';
import { pythonInterpreter } from '../sandbox/interpreters.js';
import type { SandboxOptions } from '../sandbox/limits.js';
import { createWorkspace, type WorkspaceFile } from '../system/workspace.js';

/** Byte-compiles each file with py_compile and prints one JSON line per failure. */
const COMPILE_SCRIPT = `
import json, os, py_compile, sys, tempfile
out = os.path.join(tempfile.mkdtemp(), 'check.pyc')
for path in sys.argv[1:]:
    try:
        py_compile.compile(path, cfile=out, doraise=True)
    except py_compile.PyCompileError as error:
        exc = error.exc_value
        print(json.dumps({'file': path, 'line': getattr(exc, 'lineno', None),
                          'message': f'{error.exc_type_name}: {getattr(exc, "msg", str(exc))}'}))
`;

/**
 * `py_compile` over the plan's Python files. Compiling never executes the code, so a weaker
 * sandbox (limits without namespaces) is acceptable here when no isolating backend is usable.
 */
export async function pythonCompileDiagnostics(
  files: readonly WorkspaceFile[],
  sandbox: SandboxOptions,
): Promise<Diagnostic[]> {
  const python = pythonInterpreter();
  if (!python)
    return [{ level: 'component', message: 'python3 is not installed: cannot compile the plan' }];
  const workspace = await createWorkspace(files);
  try {
    const result = await runSandboxed(
      {
        workspace: workspace.dir,
        command: [python.path, '-c', COMPILE_SCRIPT, ...files.map((f) => f.path)],
        readOnly: python.prefix ? [python.prefix] : [],
      },
      { ...sandbox, backend: sandbox.backend === 'weak' ? 'weak' : 'auto', allowWeak: true },
    );
    const diagnostics: Diagnostic[] = [];
    for (const line of result.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as { file: string; line: number | null; message: string };
      diagnostics.push({
        level: 'component',
        file: parsed.file,
        ...(parsed.line ? { line: parsed.line } : {}),
        message: `py_compile: ${parsed.message}`,
      });
    }
    if (result.exitCode !== 0 && diagnostics.length === 0)
      diagnostics.push({
        level: 'component',
        message: `py_compile did not finish: ${result.stderr.slice(0, 500)}`,
      });
    return diagnostics;
  } finally {
    await workspace.dispose();
  }
}
