/**
 * Atomizer benchmark on real code nobody here wrote: every .py file of the Python standard
 * library and every .js/.ts file of a few packages in node_modules. Checks lossless reassembly,
 * counts errors, measures throughput against a bare tree-sitter parse of the same bytes in the
 * same run, and reports the LOC distribution.
 *
 *   node -r esbuild-register scripts/bench-atomizer.ts [--json] [--limit N]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileLanguage, InvalidInputError } from '@mge/core';
import { atomizeSource, decodeSource, parseSource } from '@mge/atomizer';
import { listSourceFiles } from '../packages/atomizer/src/corpus';

const NODE_PACKAGES = ['zod', 'drizzle-orm', 'bullmq', 'express', 'pino', 'yaml', 'commander'];

interface CorpusStats {
  files: number;
  bytes: number;
  parseMs: number;
  atomizeMs: number;
  atoms: number;
  syntaxErrors: string[];
  rejected: string[];
  crashes: string[];
  notLossless: string[];
  locHistogram: Map<number, number>;
  inRange: number;
  /** Atoms counted for the distribution (not indivisible). */
  divisible: number;
  sizeViolations: number;
  splittableOverMax: number;
  atomic: number;
}

function pythonStdlib(): string {
  return execFileSync(
    'python3',
    ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"],
    { encoding: 'utf8' },
  ).trim();
}

function newStats(): CorpusStats {
  return {
    files: 0,
    bytes: 0,
    parseMs: 0,
    atomizeMs: 0,
    atoms: 0,
    syntaxErrors: [],
    rejected: [],
    crashes: [],
    notLossless: [],
    locHistogram: new Map(),
    inRange: 0,
    divisible: 0,
    sizeViolations: 0,
    splittableOverMax: 0,
    atomic: 0,
  };
}

function run(files: readonly string[]): CorpusStats {
  const s = newStats();
  for (const file of files) {
    let code: string;
    try {
      code = decodeSource(readFileSync(file), file);
    } catch (error) {
      s.rejected.push((error as Error).message);
      continue;
    }
    const language = fileLanguage(file)!;
    const t0 = performance.now();
    const tree = parseSource(code, language);
    const t1 = performance.now();
    const parsedOk = !tree.rootNode.hasError;
    let result;
    try {
      result = atomizeSource(code, file, language);
    } catch (error) {
      if (error instanceof InvalidInputError && !parsedOk) s.syntaxErrors.push(error.message);
      else if (error instanceof InvalidInputError) s.rejected.push(error.message);
      else s.crashes.push(`${file}: ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    const t2 = performance.now();
    s.files++;
    s.bytes += Buffer.byteLength(code);
    s.parseMs += t1 - t0;
    s.atomizeMs += t2 - t1;
    s.atoms += result.atoms.length;
    if (
      result.atoms.map((a) => a.code).join('') !== code ||
      !tiles(result.atoms, Buffer.byteLength(code))
    )
      s.notLossless.push(file);
    for (const atom of result.atoms) {
      s.locHistogram.set(atom.loc, (s.locHistogram.get(atom.loc) ?? 0) + 1);
      if (atom.atomic) s.atomic++;
      if (atom.sizeViolation) {
        s.sizeViolations++;
        continue;
      }
      s.divisible++;
      if (atom.loc >= 5 && atom.loc <= 15) s.inRange++;
      if (atom.loc > 15) s.splittableOverMax++;
    }
  }
  return s;
}

function tiles(atoms: readonly { startByte: number; endByte: number }[], length: number): boolean {
  let at = 0;
  for (const a of atoms) {
    if (a.startByte !== at || a.endByte < a.startByte) return false;
    at = a.endByte;
  }
  return at === length;
}

function summary(name: string, s: CorpusStats) {
  const mb = s.bytes / 1e6;
  const buckets = { '0-4': 0, '5-10': 0, '11-15': 0, '16+': 0 };
  for (const [loc, n] of s.locHistogram) {
    if (loc < 5) buckets['0-4'] += n;
    else if (loc <= 10) buckets['5-10'] += n;
    else if (loc <= 15) buckets['11-15'] += n;
    else buckets['16+'] += n;
  }
  return {
    corpus: name,
    files: s.files,
    megabytes: round(mb),
    atoms: s.atoms,
    atomizeMBps: round(mb / (s.atomizeMs / 1000)),
    atomsPerSecond: Math.round(s.atoms / (s.atomizeMs / 1000)),
    bareParseMBps: round(mb / (s.parseMs / 1000)),
    ratioToBareParse: round(s.atomizeMs / s.parseMs),
    lossless: s.notLossless.length === 0,
    notLossless: s.notLossless.slice(0, 10),
    syntaxErrors: s.syntaxErrors.length,
    syntaxErrorExamples: s.syntaxErrors.slice(0, 3),
    rejected: s.rejected.length,
    rejectedExamples: s.rejected.slice(0, 3),
    crashes: s.crashes.length,
    crashExamples: s.crashes.slice(0, 3),
    shareWithin5to15: round(s.inRange / Math.max(1, s.divisible), 4),
    splittableOver15: s.splittableOverMax,
    sizeViolations: s.sizeViolations,
    atomicShare: round(s.atomic / Math.max(1, s.atoms), 4),
    locBuckets: buckets,
  };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

function main(): void {
  const json = process.argv.includes('--json');
  const limitArg = process.argv.indexOf('--limit');
  const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Number.POSITIVE_INFINITY;
  const nodeModules = path.join(__dirname, '..', 'node_modules');
  const corpora: [string, string[]][] = [
    ['python-stdlib', listSourceFiles([pythonStdlib()], ['.py']).slice(0, limit)],
    [
      `node_modules (${NODE_PACKAGES.join(', ')})`,
      listSourceFiles(
        NODE_PACKAGES.map((p) => path.join(nodeModules, p)),
        ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx'],
      ).slice(0, limit),
    ],
  ];
  // Warm up the grammars and the JIT so the first corpus does not pay for it.
  run(corpora.flatMap(([, files]) => files.slice(0, 20)));
  const results = corpora.map(([name, files]) => summary(name, run(files)));
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  if (results.some((r) => r.crashes > 0 || !r.lossless || r.splittableOver15 > 0))
    process.exitCode = 1;
}

main();
