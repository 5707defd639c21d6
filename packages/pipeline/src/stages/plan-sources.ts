import type { Config } from '@mge/config';
import type { AtomicUnit, Masterplan, MasterplanTask } from '@mge/db';
import type { PlanSources, SandboxOptions } from '@mge/validation';

/**
 * The validator's view of a stored plan: each task's file assembled from its atoms' current code,
 * and the plan's tests but those a reviewer approved as failing (`excused`, @mge/db
 * `listExcusedTests`).
 */
export function planSources(
  plan: Masterplan,
  tasks: readonly MasterplanTask[],
  atoms: readonly AtomicUnit[],
  excused: ReadonlySet<string> = new Set(),
): PlanSources {
  const byTask = new Map<string, AtomicUnit[]>();
  for (const atom of atoms) byTask.set(atom.taskId, [...(byTask.get(atom.taskId) ?? []), atom]);
  return {
    language: plan.language,
    files: tasks.map((task) => ({
      path: task.file,
      draft: task.code,
      atoms: (byTask.get(task.id) ?? [])
        .sort((a, b) => a.ordinal - b.ordinal)
        .map((a) => ({ id: a.id, code: a.code ?? a.draftCode, name: a.name, defines: a.defines })),
    })),
    tests: plan.input.tests
      .filter((t) => !excused.has(t.file))
      .map((t) => ({ path: t.file, code: t.code })),
  };
}

/** Sandbox limits from configuration. */
export function sandboxOptions(config: Config): SandboxOptions {
  const s = config.sandbox;
  return {
    backend: s.backend,
    allowWeak: s.allowWeak,
    limits: {
      cpuSeconds: s.cpuSeconds,
      memoryBytes: s.memoryBytes,
      maxProcesses: s.maxProcesses,
      wallClockMs: s.wallClockMs,
      maxOutputBytes: s.maxOutputBytes,
      maxFileBytes: 64 * 1024 * 1024,
    },
  };
}
