import Parser from 'tree-sitter';
import JavaScript from 'tree-sitter-javascript';
import Python from 'tree-sitter-python';
import TypeScript from 'tree-sitter-typescript';
import { InvalidInputError, type FileLanguage } from '@mge/core';
import {
  blank,
  compilerSyntax,
  errorRegions,
  type SyntaxProblem,
  type TextRange,
} from './compiler-syntax.js';

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

const grammars: Record<FileLanguage, unknown> = {
  typescript: TypeScript.typescript,
  tsx: TypeScript.tsx,
  javascript: JavaScript,
  python: Python,
};

const parsers = new Map<FileLanguage, Parser>();

/** One parser per grammar per thread; tree-sitter parsers are reusable but not re-entrant. */
function parserFor(language: FileLanguage): Parser {
  let parser = parsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(grammars[language] as Parser.Language);
    parsers.set(language, parser);
  }
  return parser;
}

/** How long a parse may run before it is abandoned. @defaultValue 20 000 ms */
export const DEFAULT_PARSE_TIMEOUT_MS = 20_000;

/**
 * Parses `code` (syntax errors become ERROR nodes). Throws InvalidInputError when the parse runs
 * past `timeoutMs`: tree-sitter polls the progress callback as it goes, so a pathological input
 * cannot hold the thread forever.
 */
export function parseSource(
  code: string,
  language: FileLanguage,
  timeoutMs = DEFAULT_PARSE_TIMEOUT_MS,
  file = 'input',
  /** An earlier tree already edited to match `code`: parse incrementally (`reparseSource`). */
  oldTree: Tree | null = null,
): Tree {
  // The binding's default buffer is small; size it to the input so long files parse in one go.
  const bufferSize = Math.max(64 * 1024, code.length * 2 + 1);
  const deadline = performance.now() + timeoutMs;
  const progressCallback = (): boolean => performance.now() > deadline;
  const tree = parserFor(language).parse(code, oldTree, {
    bufferSize,
    progressCallback,
  }) as Tree | null;
  if (!tree)
    throw new InvalidInputError(
      `${file}: parsing as ${language} took over ${timeoutMs} ms and was abandoned`,
      { file, timeoutMs },
    );
  return tree;
}

/** A tree and the exact text it is a parse of: what a later version of the file may be parsed against. */
export interface ParsedText {
  text: string;
  tree: Tree;
}

/** Row and column (UTF-16 units, as the binding counts them) of index `at` in `text`. */
function pointAt(text: string, at: number): Parser.Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: at - lineStart };
}

/**
 * Parses `code` incrementally against `previous` (another version of the same file, in the same
 * language): the edit between the two texts (whatever lies between their common prefix and common
 * suffix) is applied to the old tree, and tree-sitter reuses the subtrees outside it. The old
 * tree is edited in place: afterwards it no longer matches `previous.text`, so the caller must
 * drop it. Throws as `parseSource` does.
 */
export function reparseSource(
  previous: ParsedText,
  code: string,
  language: FileLanguage,
  timeoutMs = DEFAULT_PARSE_TIMEOUT_MS,
  file = 'input',
): Tree {
  const old = previous.text;
  if (old === code) return previous.tree;
  const shorter = Math.min(old.length, code.length);
  let prefix = 0;
  while (prefix < shorter && old.charCodeAt(prefix) === code.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    old.charCodeAt(old.length - 1 - suffix) === code.charCodeAt(code.length - 1 - suffix)
  )
    suffix++;
  const oldEnd = old.length - suffix;
  const newEnd = code.length - suffix;
  const startPosition = pointAt(old, prefix);
  previous.tree.edit({
    startIndex: prefix,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    oldEndPosition: pointAt(old, oldEnd),
    newEndPosition: pointAt(code, newEnd),
  });
  return parseSource(code, language, timeoutMs, file, previous.tree);
}

/** Visits every ERROR and MISSING node, outermost first, in source order, while `onError` returns true. */
function visitErrors(tree: Tree, onError: (node: SyntaxNode) => boolean): void {
  let going = true;
  const visit = (node: SyntaxNode): void => {
    if (!going) return;
    if (node.isMissing || node.type === 'ERROR') {
      going = onError(node);
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
}

/** Every ERROR and MISSING node, outermost first, in source order. */
export function findSyntaxProblems(tree: Tree, limit = 20): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  visitErrors(tree, (node) => {
    const at = { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
    if (node.isMissing) problems.push({ ...at, message: `missing ${node.type}` });
    else {
      const text = node.text.split('\n')[0]?.slice(0, 40) ?? '';
      problems.push({ ...at, message: `unexpected ${JSON.stringify(text)}` });
    }
    return problems.length < limit;
  });
  return problems;
}

/** A tree to atomize, and where in it tree-sitter failed on code the compiler accepts. */
export interface CheckedParse {
  tree: Tree;
  /** Regions (whole top-level statements) holding tree-sitter's errors: never cut inside. */
  unparsed: TextRange[];
}

/**
 * Parses `code` and decides whether it is valid syntax. Tree-sitter's verdict stands when the
 * tree is clean, and for Python. When a JavaScript or TypeScript tree has errors, the TypeScript
 * compiler decides: the published grammar lags the language (variance annotations, `static
 * accessor`, reserved words as export names), and a file the compiler accepts is accepted. Then
 * modifiers the grammar lacks (variance, `accessor`) are blanked and the file parsed again (the
 * tree's node texts are then those of the blanked copy; offsets are the same); errors that remain
 * are reported as `unparsed` regions, which the decomposer keeps whole.
 */
function judge(
  code: string,
  language: FileLanguage,
  file: string,
  timeoutMs: number,
  tree = parseSource(code, language, timeoutMs, file),
): CheckedParse | { problems: SyntaxProblem[] } {
  if (!tree.rootNode.hasError) return { tree, unparsed: [] };
  if (language === 'python') return { problems: findSyntaxProblems(tree) };
  const compiler = compilerSyntax(code, language, file);
  if (compiler.problems.length > 0) return { problems: compiler.problems };
  const retried =
    compiler.blankable.length > 0
      ? parseSource(blank(code, compiler.blankable), language, timeoutMs, file)
      : tree;
  if (!retried.rootNode.hasError) return { tree: retried, unparsed: [] };
  const errors: TextRange[] = [];
  visitErrors(retried, (node) => errors.push([node.startIndex, node.endIndex]) > 0);
  const topLevel = retried.rootNode.namedChildren
    .filter((n) => n.type !== 'comment')
    .map((n): TextRange => [n.startIndex, n.endIndex]);
  return { tree: retried, unparsed: errorRegions(errors, [...compiler.statements, ...topLevel]) };
}

/**
 * Parses code that must be valid syntax (see `judge`). Throws InvalidInputError naming the first
 * problem's line and column (the compiler's, for JavaScript and TypeScript) when it is not.
 */
export function parseChecked(
  code: string,
  language: FileLanguage,
  file: string,
  timeoutMs = DEFAULT_PARSE_TIMEOUT_MS,
): CheckedParse {
  const verdict = judge(code, language, file, timeoutMs);
  if ('tree' in verdict) return verdict;
  const first = verdict.problems[0];
  const where = first
    ? `line ${first.line}, column ${first.column}: ${first.message}`
    : 'unknown location';
  throw new InvalidInputError(`${file} does not parse as ${language} (${where})`, {
    file,
    problems: verdict.problems,
  });
}

/** The syntax errors of a whole file, judged as `parseChecked` judges them; empty when valid. */
export function syntaxProblems(
  code: string,
  language: FileLanguage,
  file: string,
  timeoutMs = DEFAULT_PARSE_TIMEOUT_MS,
): SyntaxProblem[] {
  const verdict = judge(code, language, file, timeoutMs);
  return 'problems' in verdict ? verdict.problems : [];
}

/**
 * `syntaxProblems` for the next version of a file whose last parse is `previous`: parsed
 * incrementally against it (`reparseSource`, which consumes `previous`), with the same verdict
 * as a parse from scratch. A clean incremental tree is a parse of `code` by the grammar; a tree
 * with errors is parsed again from scratch, since tree-sitter's error recovery may depend on the
 * tree it started from and the problems reported (Python) and the compiler's fallback
 * (JavaScript, TypeScript) must be a full parse's. Returns the problems and this parse, to pass
 * as `previous` for the file's next version.
 */
export function syntaxProblemsSince(
  previous: ParsedText | undefined,
  code: string,
  language: FileLanguage,
  file: string,
  timeoutMs = DEFAULT_PARSE_TIMEOUT_MS,
): { problems: SyntaxProblem[]; parsed: ParsedText } {
  let tree = previous
    ? reparseSource(previous, code, language, timeoutMs, file)
    : parseSource(code, language, timeoutMs, file);
  if (previous && tree.rootNode.hasError) tree = parseSource(code, language, timeoutMs, file);
  const verdict = judge(code, language, file, timeoutMs, tree);
  return { problems: 'problems' in verdict ? verdict.problems : [], parsed: { text: code, tree } };
}
