import path from 'node:path';

/**
 * Extensions tried after a specifier without one, in TypeScript's order (bundler resolution):
 * sources before declarations before JavaScript. JSON is never appended: `./data.json` names it.
 */
const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mts', '.cts', '.mjs', '.cjs'];
/** NodeNext imports name the emitted file (`./x.js`); the plan holds its source (`./x.ts`). */
const EMITTED_TO_SOURCE: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};

/** A file path as a lookup key: forward slashes, no `./`, `..` folded. */
export function normalizePath(file: string): string {
  const posix = path.posix.normalize(file.replace(/\\/g, '/'));
  return posix.startsWith('./') ? posix.slice(2) : posix;
}

/** `./x`, `../x`, `.` and `..`: a path relative to the importing file. */
export function isRelativeSpecifier(specifier: string): boolean {
  return /^\.\.?(?:\/|$)/.test(specifier);
}

/** Package name of a bare specifier: `@scope/name/sub` -> `@scope/name`, `lodash/fp` -> `lodash`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Where a plan file lives when it runs: TypeScript is emitted next to its source (`src/a.ts` ->
 * `src/a.js`, `.mts` -> `.mjs`, `.cts` -> `.cjs`); everything else runs as written. A declaration
 * file emits nothing (undefined).
 */
export function emittedPath(file: string): string | undefined {
  if (/\.d\.[mc]?ts$/.test(file)) return undefined;
  return file.replace(
    /\.([mc]?)tsx?$|\.jsx$/,
    (_m, kind: string | undefined) => `.${kind ?? ''}js`,
  );
}

/** Python files are modules; everything else is resolved as TypeScript/JavaScript. */
export function isPythonFile(file: string): boolean {
  return file.endsWith('.py');
}

/**
 * The files of one plan and what an import specifier in one of them resolves to, language by
 * language. The one place that decides resolution: the dependency graph, L2, the L3 compiler host
 * and the L4 runner all use it, so they cannot disagree about the same plan.
 *
 * TypeScript/JavaScript (relative specifiers only; bare ones are packages): the exact file, a
 * `.js`/`.jsx`/`.mjs`/`.cjs` suffix naming its TypeScript source, the specifier with each script
 * extension appended, then a directory's `index` file. Python: relative imports from the file's
 * package (`from ..x import y`, `from . import y` naming the package's `__init__.py`), absolute
 * imports from the source roots (the plan root, and `src/` when Python files live there), then
 * from the importing file's own directory (a script's directory is first on `sys.path`).
 */
export class PlanModules {
  readonly files: ReadonlySet<string>;
  /** Directories on Python's import path, relative to the plan root (`''` is the root). */
  readonly pythonRoots: readonly string[];
  private readonly directories = new Set<string>();
  private readonly cache = new Map<string, string | undefined>();

  constructor(files: Iterable<string>) {
    this.files = new Set([...files].map(normalizePath));
    for (const file of this.files)
      // Up to the root: `.` for relative paths, `/` for absolute ones (the CLI takes either).
      for (
        let dir = path.posix.dirname(file);
        dir !== '.' && dir !== '/';
        dir = path.posix.dirname(dir)
      )
        this.directories.add(dir);
    const srcLayout = [...this.files].some((f) => f.startsWith('src/') && isPythonFile(f));
    this.pythonRoots = srcLayout ? ['', 'src'] : [''];
  }

  /** The plan file `specifier` names from `fromFile`, or undefined (a package, or nothing). */
  resolve(fromFile: string, specifier: string): string | undefined {
    const key = `${fromFile}\0${specifier}`;
    if (!this.cache.has(key)) {
      const from = normalizePath(fromFile);
      this.cache.set(
        key,
        isPythonFile(from)
          ? this.resolvePython(from, specifier)
          : this.resolveScript(from, specifier),
      );
    }
    return this.cache.get(key);
  }

  /** A directory of the plan (a Python namespace package, a folder of scripts). */
  isDirectory(dir: string): boolean {
    return this.directories.has(normalizePath(dir));
  }

  /**
   * The specifier that names `target` from `fromFile` once both are emitted (`./money` ->
   * `./money.js`, `./lib` -> `./lib/index.js`): what node's ES module loader needs.
   */
  runtimeSpecifier(fromFile: string, target: string): string | undefined {
    const from = emittedPath(normalizePath(fromFile));
    const to = emittedPath(target);
    if (from === undefined || to === undefined) return undefined;
    const relative = path.posix.relative(path.posix.dirname(from), to);
    return relative.startsWith('../') ? relative : `./${relative}`;
  }

  /** The first candidate that is a plan file (normalized one by one: the first usually is). */
  private first(candidates: readonly string[]): string | undefined {
    for (const candidate of candidates) {
      const file = normalizePath(candidate);
      if (this.files.has(file)) return file;
    }
    return undefined;
  }

  private resolveScript(from: string, specifier: string): string | undefined {
    if (!isRelativeSpecifier(specifier)) return undefined;
    const base = path.posix.join(path.posix.dirname(from), specifier);
    const ext = path.posix.extname(base);
    const stem = base.slice(0, base.length - ext.length);
    return this.first([
      ...(EMITTED_TO_SOURCE[ext] ?? []).map((e) => stem + e),
      base,
      ...SCRIPT_EXTENSIONS.map((e) => base + e),
      ...SCRIPT_EXTENSIONS.map((e) => `${base}/index${e}`),
    ]);
  }

  private resolvePython(from: string, specifier: string): string | undefined {
    const dots = /^\.*/.exec(specifier)![0].length;
    const rest = specifier.slice(dots).replace(/\./g, '/');
    const dir = path.posix.dirname(from);
    if (dots > 0) {
      let base = dir;
      for (let i = 1; i < dots; i++) base = path.posix.dirname(base);
      return this.first(
        rest ? pythonCandidates(path.posix.join(base, rest)) : [`${base}/__init__.py`],
      );
    }
    return this.first([
      ...this.pythonRoots.flatMap((root) => pythonCandidates(path.posix.join(root, rest))),
      ...pythonCandidates(path.posix.join(dir, rest)),
    ]);
  }
}

function pythonCandidates(base: string): string[] {
  return [`${base}.py`, `${base}/__init__.py`];
}
