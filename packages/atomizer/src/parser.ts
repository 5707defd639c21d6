import Parser from 'tree-sitter';
import JavaScript from 'tree-sitter-javascript';
import Python from 'tree-sitter-python';
import TypeScript from 'tree-sitter-typescript';
import { InvalidInputError, type FileLanguage } from '@mge/core';

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
): Tree {
  // The binding's default buffer is small; size it to the input so long files parse in one go.
  const bufferSize = Math.max(64 * 1024, code.length * 2 + 1);
  const deadline = performance.now() + timeoutMs;
  const progressCallback = (): boolean => performance.now() > deadline;
  const tree = parserFor(language).parse(code, null, {
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

export interface SyntaxProblem {
  /** 1-based line and column. */
  line: number;
  column: number;
  message: string;
}

/** Every ERROR and MISSING node, outermost first, in source order. */
export function findSyntaxProblems(tree: Tree, limit = 20): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: SyntaxNode): void => {
    if (problems.length >= limit) return;
    if (node.isMissing) {
      problems.push({ ...position(node), message: `missing ${node.type}` });
      return;
    }
    if (node.type === 'ERROR') {
      const text = node.text.split('\n')[0]?.slice(0, 40) ?? '';
      problems.push({ ...position(node), message: `unexpected ${JSON.stringify(text)}` });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  return problems;
}

function position(node: SyntaxNode): { line: number; column: number } {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** Parses and throws InvalidInputError naming the first problem's line when the code has errors. */
export function parseOrThrow(
  code: string,
  language: FileLanguage,
  file: string,
  timeoutMs = DEFAULT_PARSE_TIMEOUT_MS,
): Tree {
  const tree = parseSource(code, language, timeoutMs, file);
  if (tree.rootNode.hasError) {
    const problems = findSyntaxProblems(tree);
    const first = problems[0];
    const where = first
      ? `line ${first.line}, column ${first.column}: ${first.message}`
      : 'unknown location';
    throw new InvalidInputError(`${file} does not parse as ${language} (${where})`, {
      file,
      problems,
    });
  }
  return tree;
}
