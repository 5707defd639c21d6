export {
  emittedPath,
  isPythonFile,
  isRelativeSpecifier,
  normalizePath,
  packageName,
  PlanModules,
} from './plan-modules.js';
export { importTarget, type ExternalModules, type ImportTarget } from './import-targets.js';
export {
  moduleSymbols,
  type Definition,
  type ModuleImport,
  type ModuleSymbols,
} from './module-symbols.js';
export { sourceModel, type ResolvedImport, type SourceModel } from './source-model.js';
export { extractSymbols } from './symbols/extract-symbols.js';
export {
  declarationAt,
  lookup,
  type Binding,
  type BindingKind,
  type ExportTarget,
  type FileSymbols,
  type ImportSpec,
  type Reference,
  type ReferenceKind,
  type Scope,
  type Space,
} from './symbols/types.js';
