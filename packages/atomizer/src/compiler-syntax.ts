import path from 'node:path';
import type TypeScript from 'typescript';
import { fileLanguage, type FileLanguage } from '@mge/core';

/** A syntax error, as tree-sitter or the TypeScript compiler reports it. */
export interface SyntaxProblem {
  /** 1-based line and column. */
  line: number;
  column: number;
  message: string;
}

/** A [start, end) range of string indexes. */
export type TextRange = readonly [start: number, end: number];

/** What the TypeScript compiler's parser says about a JavaScript or TypeScript file. */
export interface CompilerSyntax {
  /** The compiler's syntax errors (empty: the file is valid syntax). */
  problems: SyntaxProblem[];
  /** The file's top-level statements, without leading trivia. */
  statements: TextRange[];
  /**
   * Modifiers the published tree-sitter grammar does not know where they stand and atomization
   * does not need: variance annotations (`<in T>`, `<out T>`, TypeScript 4.7) and `accessor`
   * (`static accessor x`). Blanking them leaves a file of the same length that it parses.
   */
  blankable: TextRange[];
}

let loaded: typeof TypeScript | undefined;

/** The compiler is large: loaded on the first file tree-sitter cannot parse, not at start-up. */
function typescript(): typeof TypeScript {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('typescript') as typeof TypeScript;
  return loaded;
}

const EXTENSION: Record<Exclude<FileLanguage, 'python'>, string> = {
  typescript: '.ts',
  tsx: '.tsx',
  javascript: '.js',
};

/**
 * Asks the TypeScript compiler whether `code` is valid syntax: its parser and the syntactic checks
 * a program adds (`getSyntacticDiagnostics`: type annotations in a .js file, say). JavaScript is
 * judged as the compiler judges .js/.jsx files (JSX allowed).
 */
export function compilerSyntax(
  code: string,
  language: Exclude<FileLanguage, 'python'>,
  file: string,
): CompilerSyntax {
  const ts = typescript();
  const ext = fileLanguage(file) === language ? path.extname(file) : EXTENSION[language];
  const name = `/mge-input${ext.toLowerCase()}`;
  const source = ts.createSourceFile(name, code, ts.ScriptTarget.Latest, false);
  const host: TypeScript.CompilerHost = {
    getSourceFile: (n) => (n === name ? source : undefined),
    getDefaultLibFileName: () => '/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (n) => n === name,
    readFile: () => undefined,
  };
  const options = { noLib: true, noResolve: true, allowJs: true, types: [] };
  const program = ts.createProgram([name], options, host);
  const problems = program.getSyntacticDiagnostics(source).map((d): SyntaxProblem => {
    const at = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      line: at.line + 1,
      column: at.character + 1,
      message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    };
  });
  return {
    problems,
    statements: source.statements.map((s) => [s.getStart(source), s.end]),
    blankable: problems.length === 0 ? blankableModifiers(ts, source) : [],
  };
}

function blankableModifiers(ts: typeof TypeScript, source: TypeScript.SourceFile): TextRange[] {
  const blankable = new Set([
    ts.SyntaxKind.InKeyword,
    ts.SyntaxKind.OutKeyword,
    ts.SyntaxKind.AccessorKeyword,
  ]);
  const ranges: TextRange[] = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.canHaveModifiers(node))
      for (const m of ts.getModifiers(node) ?? [])
        if (blankable.has(m.kind)) ranges.push([m.getStart(source), m.end]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return ranges;
}

/** `code` with each range replaced by as many spaces: offsets, lines and columns are unchanged. */
export function blank(code: string, ranges: readonly TextRange[]): string {
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += code.slice(at, start) + ' '.repeat(end - start);
    at = end;
  }
  return out + code.slice(at);
}

/**
 * The regions to keep whole around the places tree-sitter could not parse in a file the compiler
 * accepts: each error grows to the top-level statements (the compiler's, which are right, and
 * tree-sitter's, which the decomposer cuts at) it overlaps, until no statement straddles a region's
 * edge; overlapping regions merge. Cutting only outside them keeps each error inside one atom.
 */
export function errorRegions(
  errors: readonly TextRange[],
  statements: readonly TextRange[],
): TextRange[] {
  const regions = errors.map(([s, e]): [number, number] => [s, e]);
  let changed = true;
  while (changed) {
    changed = false;
    regions.sort((a, b) => a[0] - b[0]);
    for (const region of regions)
      for (const [s, e] of statements)
        if (s <= region[1] && region[0] <= e && (s < region[0] || e > region[1])) {
          region[0] = Math.min(region[0], s);
          region[1] = Math.max(region[1], e);
          changed = true;
        }
    for (let i = regions.length - 1; i > 0; i--)
      if (regions[i]![0] <= regions[i - 1]![1]) {
        regions[i - 1]![1] = Math.max(regions[i - 1]![1], regions[i]![1]);
        regions.splice(i, 1);
        changed = true;
      }
  }
  return regions;
}
