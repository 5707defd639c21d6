import { importTarget, type ExternalModules, type ImportTarget } from './import-targets.js';
import {
  moduleSymbols,
  type Definition,
  type ModuleImport,
  type ModuleSymbols,
} from './module-symbols.js';
import type { PlanModules } from './plan-modules.js';

/** An import with the specifier as resolved (Python's leading dots included) and its target. */
export interface ResolvedImport extends ModuleImport {
  specifier: string;
  target: ImportTarget;
}

/** What one source file of a plan defines and imports, and where each import leads. */
export interface SourceModel {
  file: string;
  definitions: Definition[];
  imports: ResolvedImport[];
}

/**
 * The source model of one file: its top-level definitions (with export flags) and its imports,
 * each resolved by the plan's one module resolver. L2 checks the targets; Python L3 follows them.
 * Pass `symbols` when the caller already has them (from its own parse tree).
 */
export function sourceModel(
  file: string,
  code: string,
  modules: PlanModules,
  external: ExternalModules,
  symbols: ModuleSymbols = moduleSymbols(file, code),
): SourceModel {
  return {
    file,
    definitions: symbols.definitions,
    imports: symbols.imports.map((imp) => {
      const specifier = '.'.repeat(imp.level) + imp.source;
      return { ...imp, specifier, target: importTarget(modules, file, specifier, external) };
    }),
  };
}
