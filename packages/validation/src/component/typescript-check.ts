import path from 'node:path';
import ts from 'typescript';
import type { Diagnostic, Language } from '@mge/core';
import { isRelativeSpecifier, PlanModules } from '@mge/source';

/** Virtual directory the plan's files live in while the compiler sees them. */
const ROOT = '/plan/';

/** Lib and @types files parse the same every time: share them across programs (per process). */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

function typesRoot(): string | undefined {
  try {
    return path.dirname(path.dirname(require.resolve('@types/node/package.json')));
  } catch {
    return undefined;
  }
}

function compilerOptions(language: Language, withNodeTypes: boolean): ts.CompilerOptions {
  const typescript = language === 'typescript';
  const root = typesRoot();
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    noEmit: true,
    allowJs: true,
    checkJs: true,
    // .tsx and .jsx files: the React 17+ transform, as the L4 transpile emits them.
    jsx: ts.JsxEmit.ReactJSX,
    strict: typescript,
    noImplicitAny: typescript,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    // L4 transpiles file by file: what needs the whole program to emit (re-exported types
    // without `export type`, const enums across files) would compile here and fail there.
    isolatedModules: typescript,
    types: withNodeTypes ? ['node'] : [],
    ...(withNodeTypes && root ? { typeRoots: [root] } : {}),
  };
}

export interface CheckedFile {
  path: string;
  code: string;
}

/**
 * L3 for TypeScript and JavaScript: one compiler program over every source and test file of the
 * plan (JavaScript with checkJs). Returns diagnostics of the plan's files only, each with its
 * file and line and with related locations (an arity error in a test names the declaration).
 */
export function typeCheck(
  language: Language,
  files: readonly CheckedFile[],
): (Diagnostic & { related: { file: string; line: number }[] })[] {
  const withNodeTypes = typesRoot() !== undefined;
  const options = compilerOptions(language, withNodeTypes);
  const inMemory = new Map(files.map((f) => [ROOT + f.path, f.code]));
  const host = ts.createCompilerHost(options, true);
  // The default host's methods close over their own state, not `this`; bind anyway to be safe.
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  const directoryExists = host.directoryExists?.bind(host);
  host.getCurrentDirectory = () => ROOT;
  host.fileExists = (name) => inMemory.has(name) || (!name.startsWith(ROOT) && fileExists(name));
  host.readFile = (name) =>
    inMemory.get(name) ?? (name.startsWith(ROOT) ? undefined : readFile(name));
  host.directoryExists = (name) =>
    name.startsWith(ROOT.slice(0, -1))
      ? [...inMemory.keys()].some((k) => k.startsWith(name.endsWith('/') ? name : `${name}/`)) ||
        name === ROOT.slice(0, -1)
      : (directoryExists?.(name) ?? true);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const text = inMemory.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, languageVersion, true);
    const key = `${name}\0${JSON.stringify(languageVersion)}`;
    let file = sharedSourceFiles.get(key);
    if (!file) {
      file = getSourceFile(name, languageVersion, onError, shouldCreate);
      if (file) sharedSourceFiles.set(key, file);
    }
    return file;
  };
  resolveThroughPlan(host, options, files);
  const rootNames = [...inMemory.keys()].filter((name) => !name.endsWith('.json'));
  const program = ts.createProgram({ rootNames, options, host });
  const out: (Diagnostic & { related: { file: string; line: number }[] })[] = [];
  const global = program.getGlobalDiagnostics().concat(program.getOptionsDiagnostics());
  for (const d of global)
    out.push({
      level: 'component',
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      related: [],
    });
  for (const sourceFile of program.getSourceFiles()) {
    if (!inMemory.has(sourceFile.fileName)) continue;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile),
    ];
    for (const d of diagnostics) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      out.push({
        level: 'component',
        ...locate(d.file, d.start),
        message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        related: (d.relatedInformation ?? [])
          .map((r) => locate(r.file, r.start))
          .filter(
            (r): r is { file: string; line: number } =>
              r.file !== undefined && r.line !== undefined,
          ),
      });
    }
  }
  return out;
}

/**
 * Relative imports between the plan's files resolve by the plan's one module resolver (the rules
 * the graph, L2 and L4 use); packages and lib files resolve as the compiler would.
 */
function resolveThroughPlan(
  host: ts.CompilerHost,
  options: ts.CompilerOptions,
  files: readonly CheckedFile[],
): void {
  const modules = new PlanModules(files.map((f) => f.path));
  host.resolveModuleNameLiterals = (literals, containingFile) =>
    literals.map((literal) => {
      if (containingFile.startsWith(ROOT) && isRelativeSpecifier(literal.text)) {
        const file = modules.resolve(containingFile.slice(ROOT.length), literal.text);
        return {
          resolvedModule: file
            ? {
                resolvedFileName: ROOT + file,
                extension: extensionOf(file),
                isExternalLibraryImport: false,
              }
            : undefined,
        };
      }
      return ts.resolveModuleName(literal.text, containingFile, options, host);
    });
}

/** The compiler's name for a file's kind (`.d.ts` before `.ts`). */
function extensionOf(file: string): ts.Extension {
  const extensions = Object.values(ts.Extension).sort((a, b) => b.length - a.length);
  return extensions.find((e) => file.endsWith(e)) ?? ts.Extension.Ts;
}

function locate(
  file: ts.SourceFile | undefined,
  start: number | undefined,
): { file?: string; line?: number; column?: number } {
  if (!file || start === undefined || !file.fileName.startsWith(ROOT)) return {};
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return { file: file.fileName.slice(ROOT.length), line: line + 1, column: character + 1 };
}
