import path from 'node:path';

const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs'];
/** NodeNext imports name the emitted file (`./x.js`); the plan holds its source (`./x.ts`). */
const EMITTED_TO_SOURCE: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** A file path as a lookup key: forward slashes, no `./`, `..` folded. */
export function normalizePath(file: string): string {
  const posix = path.posix.normalize(file.replace(/\\/g, '/'));
  return posix.startsWith('./') ? posix.slice(2) : posix;
}

/**
 * Resolves import specifiers to files of the plan. Anything that is not a plan file (a package
 * from npm or PyPI, the standard library) resolves to undefined: it has no atoms to depend on.
 */
export class ModuleIndex {
  private readonly files: Set<string>;
  private readonly cache = new Map<string, string | undefined>();

  constructor(files: Iterable<string>) {
    this.files = new Set([...files].map(normalizePath));
  }

  resolve(fromFile: string, specifier: string, python: boolean): string | undefined {
    const key = `${fromFile}\0${specifier}`;
    if (!this.cache.has(key))
      this.cache.set(
        key,
        python ? this.resolvePython(fromFile, specifier) : this.resolveScript(fromFile, specifier),
      );
    return this.cache.get(key);
  }

  private first(candidates: string[]): string | undefined {
    return candidates.map(normalizePath).find((c) => this.files.has(c));
  }

  private resolveScript(fromFile: string, specifier: string): string | undefined {
    const relative =
      specifier.startsWith('./') ||
      specifier.startsWith('../') ||
      specifier === '.' ||
      specifier === '..';
    // Non-relative specifiers are packages, unless the plan has a file at that root-relative path (baseUrl ".").
    const base = relative
      ? path.posix.join(path.posix.dirname(normalizePath(fromFile)), specifier)
      : specifier;
    const ext = path.posix.extname(base);
    const stem = base.slice(0, base.length - ext.length);
    return this.first([
      base,
      ...(EMITTED_TO_SOURCE[ext] ?? []).map((e) => stem + e),
      ...SCRIPT_EXTENSIONS.map((e) => base + e),
      ...SCRIPT_EXTENSIONS.map((e) => `${base}/index${e}`),
    ]);
  }

  private resolvePython(fromFile: string, specifier: string): string | undefined {
    const dots = /^\.*/.exec(specifier)![0].length;
    const rest = specifier.slice(dots).replace(/\./g, '/');
    const dir = path.posix.dirname(normalizePath(fromFile));
    if (dots > 0) {
      let base = dir;
      for (let i = 1; i < dots; i++) base = path.posix.dirname(base);
      return this.first(pythonCandidates(rest ? path.posix.join(base, rest) : base));
    }
    // Absolute: a sibling module (scripts run from their directory), the plan root, then any source root (`src/`).
    const direct = this.first([
      ...pythonCandidates(path.posix.join(dir, rest)),
      ...pythonCandidates(rest),
    ]);
    if (direct) return direct;
    const suffixes = pythonCandidates(rest).map((c) => `/${c}`);
    return [...this.files]
      .filter((f) => suffixes.some((s) => f.endsWith(s)))
      .sort((a, b) => a.length - b.length)[0];
  }
}

function pythonCandidates(base: string): string[] {
  return [`${base}.py`, `${base}/__init__.py`];
}
