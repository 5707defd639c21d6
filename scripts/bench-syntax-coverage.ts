/**
 * Syntax coverage on real code: every .ts, .tsx, .js, .mjs and .cjs file (not .d.ts) under
 * node_modules, nested packages included (symlinked workspaces are not followed). For each file:
 * does `atomizeSource` accept it and tile it losslessly, and does the TypeScript compiler parse it
 * cleanly (`getSyntacticDiagnostics` of a one-file program, as the atomizer asks it)? Reports the
 * share atomized losslessly, the share of compiler-clean files MGE accepts (goal: 100%), how many
 * needed the compiler's word, and the reasons for every rejection.
 *
 *   node -r esbuild-register scripts/bench-syntax-coverage.ts [--root DIR] [--max-bytes N] [--json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileLanguage, InvalidInputError } from '@mge/core';
import { atomizeSource, decodeSource, parseChecked, parseSource } from '@mge/atomizer';
import { compilerSyntax } from '../packages/atomizer/src/compiler-syntax';

const EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs'];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1]! : fallback;
}

/** Every matching file under `root`, descending into nested node_modules, not into symlinks. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (
        entry.isFile() &&
        EXTENSIONS.some((e) => entry.name.endsWith(e)) &&
        !entry.name.endsWith('.d.ts')
      )
        out.push(full);
    }
  };
  visit(root);
  return out.sort();
}

interface Tally {
  files: number;
  skippedLarge: number;
  bytes: number;
  lossless: number;
  notLossless: string[];
  rejected: Map<string, string[]>;
  crashes: string[];
  compilerClean: number;
  compilerCleanAccepted: number;
  compilerCleanRejected: string[];
  compilerRejectedButAccepted: string[];
  treeSitterClean: number;
  reparsedAfterBlanking: number;
  keptWhole: number;
  ms: number;
}

/** A rejection's category: the compiler's error code, or the kind of bad input. */
function category(message: string): string {
  const ts = /: (TS\d+): /.exec(message);
  if (ts) return `syntax ${ts[1]}`;
  if (/does not parse/.test(message)) return 'syntax (tree-sitter)';
  if (/looks binary/.test(message)) return 'binary';
  if (/not valid UTF-8|UTF-8/.test(message)) return 'not UTF-8';
  if (/over the atomizer's limit/.test(message)) return 'too large';
  if (/abandoned/.test(message)) return 'parse timeout';
  return message.slice(0, 60);
}

function measure(files: readonly string[], maxBytes: number): Tally {
  const t: Tally = {
    files: 0,
    skippedLarge: 0,
    bytes: 0,
    lossless: 0,
    notLossless: [],
    rejected: new Map(),
    crashes: [],
    compilerClean: 0,
    compilerCleanAccepted: 0,
    compilerCleanRejected: [],
    compilerRejectedButAccepted: [],
    treeSitterClean: 0,
    reparsedAfterBlanking: 0,
    keptWhole: 0,
    ms: 0,
  };
  const started = performance.now();
  for (const file of files) {
    const size = statSync(file).size;
    if (size > maxBytes) {
      t.skippedLarge++;
      continue;
    }
    t.files++;
    t.bytes += size;
    const language = fileLanguage(file)!;
    let code: string | undefined;
    let accepted = false;
    try {
      code = decodeSource(readFileSync(file), file);
      const atoms = atomizeSource(code, file).atoms;
      accepted = true;
      if (atoms.map((a) => a.code).join('') === code) t.lossless++;
      else t.notLossless.push(file);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) t.crashes.push(`${file}: ${String(error)}`);
      else {
        const key = category(error.message);
        t.rejected.set(key, [...(t.rejected.get(key) ?? []), error.message]);
      }
    }
    if (code === undefined) continue;
    if (!parseSource(code, language).rootNode.hasError) t.treeSitterClean++;
    else if (accepted) {
      const { tree, unparsed } = parseChecked(code, language, file);
      if (unparsed.length > 0) t.keptWhole++;
      else if (!tree.rootNode.hasError) t.reparsedAfterBlanking++;
    }
    const clean =
      language === 'python' || compilerSyntax(code, language, file).problems.length === 0;
    if (clean) {
      t.compilerClean++;
      if (accepted) t.compilerCleanAccepted++;
      else t.compilerCleanRejected.push(file);
    } else if (accepted) t.compilerRejectedButAccepted.push(file);
  }
  t.ms = performance.now() - started;
  return t;
}

const share = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(2)}%`;

function main(): void {
  const root = path.resolve(option('--root', path.join(__dirname, '..', 'node_modules')));
  const maxBytes = Number(option('--max-bytes', String(1024 * 1024)));
  const files = listFiles(root).map((f) => path.relative(process.cwd(), f));
  const t = measure(files, maxBytes);
  const report = {
    root: path.relative(process.cwd(), root) || '.',
    files: t.files,
    skippedOverMaxBytes: { maxBytes, files: t.skippedLarge },
    megabytes: Math.round(t.bytes / 1e4) / 100,
    seconds: Math.round(t.ms / 100) / 10,
    atomizedLosslessly: `${t.lossless}/${t.files} (${share(t.lossless, t.files)})`,
    compilerCleanAccepted: `${t.compilerCleanAccepted}/${t.compilerClean} (${share(t.compilerCleanAccepted, t.compilerClean)})`,
    compilerRejected: t.files - t.compilerClean,
    treeSitterClean: t.treeSitterClean,
    neededCompiler: {
      reparsedAfterBlankingModifiers: t.reparsedAfterBlanking,
      keptWholeInOneAtom: t.keptWhole,
    },
    rejections: Object.fromEntries(
      [...t.rejected].map(([key, messages]) => [
        key,
        { files: messages.length, examples: messages.slice(0, 3) },
      ]),
    ),
    compilerCleanRejected: t.compilerCleanRejected,
    compilerRejectedButAccepted: t.compilerRejectedButAccepted,
    notLossless: t.notLossless,
    crashes: t.crashes,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (t.crashes.length > 0 || t.notLossless.length > 0 || t.compilerCleanRejected.length > 0)
    process.exitCode = 1;
}

main();
