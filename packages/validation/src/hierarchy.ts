import type { Diagnostic, ValidationLevel } from '@mge/core';
import { PlanModules } from '@mge/source';
import { validateComponent } from './component-level.js';
import { validateModule } from './module-level.js';
import { planFilePaths, type LevelResult, type PlanSources } from './plan-files.js';
import type { SandboxOptions } from './sandbox/limits.js';
import { validateSystem } from './system-level.js';

/** Levels run above L1 (L1 runs in the executor on every attempt). */
export const PLAN_LEVELS = [
  'module',
  'component',
  'system',
] as const satisfies readonly ValidationLevel[];
export type PlanLevel = (typeof PLAN_LEVELS)[number];

export interface HierarchyResult {
  passed: boolean;
  /** The first level that failed; higher levels were not run (they would only echo it). */
  failedLevel?: PlanLevel;
  results: LevelResult[];
  /** Diagnostics of the failed level, by atom; `unmapped` holds those no atom's lines contain. */
  byAtom: Map<string, Diagnostic[]>;
  unmapped: Diagnostic[];
}

export interface HierarchyOptions {
  sandbox: SandboxOptions;
  /** Stop after this level. @defaultValue 'system' */
  upTo?: PlanLevel;
}

/**
 * L2 (each file) -> L3 (the plan's files together) -> L4 (the plan's tests in the sandbox),
 * stopping at the first level that fails so repair feedback names the most basic problem.
 */
export async function validateHierarchy(
  plan: PlanSources,
  options: HierarchyOptions,
): Promise<HierarchyResult> {
  const upTo = PLAN_LEVELS.indexOf(options.upTo ?? 'system');
  const results: LevelResult[] = [];
  const planFiles = planFilePaths(plan);
  const modules = new PlanModules(planFiles);
  for (const file of plan.files) {
    const started = performance.now();
    const diagnostics = validateModule(file.path, file.atoms, {
      planFiles,
      modules,
      packages: plan.packages ?? [],
      ...(file.draft !== undefined ? { draft: file.draft } : {}),
    });
    results.push({
      level: 'module',
      scope: file.path,
      passed: diagnostics.length === 0,
      diagnostics,
      durationMs: Math.round(performance.now() - started),
    });
  }
  if (results.every((r) => r.passed) && upTo >= 1) {
    results.push(await validateComponent(plan, options.sandbox));
    if (results.every((r) => r.passed) && upTo >= 2)
      results.push(await validateSystem(plan, options.sandbox));
  }
  const failed = results.filter((r) => !r.passed);
  const byAtom = new Map<string, Diagnostic[]>();
  const unmapped: Diagnostic[] = [];
  for (const d of failed.flatMap((r) => r.diagnostics)) {
    if (d.atomId) byAtom.set(d.atomId, [...(byAtom.get(d.atomId) ?? []), d]);
    else unmapped.push(d);
  }
  return {
    passed: failed.length === 0,
    ...(failed[0] ? { failedLevel: failed[0].level as PlanLevel } : {}),
    results,
    byAtom,
    unmapped,
  };
}
