import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileLanguage } from '@mge/core';

/**
 * Source files under `roots` that the atomizer handles, sorted, skipping test fixtures of broken
 * code (`bad*`, `*badsyntax*`) and declaration files. Used by the corpus tests and the benchmark.
 */
export function listSourceFiles(roots: readonly string[], extensions: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = path.join(dir, name);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (name !== 'node_modules' && name !== '__pycache__' && name !== 'site-packages')
          visit(full);
      } else if (
        extensions.some((e) => name.endsWith(e)) &&
        !name.endsWith('.d.ts') &&
        fileLanguage(name)
      )
        files.push(full);
    }
  };
  for (const root of roots) visit(root);
  return files;
}

/** Every `step`-th file: a deterministic sample spread across the corpus. */
export function sampleEvery<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]!);
}

/** The Python standard library's directory (where `python3` keeps it). */
export function pythonStdlib(): string {
  return execFileSync(
    'python3',
    ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"],
    { encoding: 'utf8' },
  ).trim();
}

/** This repository's node_modules: third-party TypeScript and JavaScript to test on. */
export const NODE_MODULES = path.join(__dirname, '..', '..', '..', 'node_modules');

/**
 * Deterministic samples of real code nobody here wrote, `count` files each: the Python standard
 * library, and TypeScript and JavaScript from packages in node_modules.
 */
export function corpusSamples(count: number): [name: string, files: string[]][] {
  const packages = ['zod', 'drizzle-orm', 'bullmq', 'express', 'pino', 'yaml'];
  return [
    ['the Python standard library', sampleEvery(listSourceFiles([pythonStdlib()], ['.py']), count)],
    [
      'packages in node_modules',
      sampleEvery(
        listSourceFiles(
          packages.map((p) => path.join(NODE_MODULES, p)),
          ['.js', '.mjs', '.cjs', '.ts'],
        ),
        count,
      ),
    ],
  ];
}
