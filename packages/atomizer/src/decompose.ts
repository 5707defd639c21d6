import { fileLanguage, InvalidInputError, type AtomKind, type FileLanguage } from '@mge/core';
import { cyclomaticComplexity } from './complexity.js';
import { parseOrThrow, type SyntaxNode } from './parser.js';
import { definedNames, usedNames } from './symbols.js';

/** One atom of a file: a contiguous range; the atoms of a file tile it exactly. */
export interface DraftAtom {
  ordinal: number;
  kind: AtomKind;
  name: string;
  /** UTF-8 byte offsets, end exclusive. */
  startByte: number;
  endByte: number;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  loc: number;
  complexity: number;
  defines: string[];
  uses: string[];
  code: string;
}

export interface AtomizedFile {
  path: string;
  language: FileLanguage;
  atoms: DraftAtom[];
}

const IMPORT_NODES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const COMMENT_NODES = new Set(['comment', 'hash_bang_line']);

/**
 * Splits a file into atoms, one per top-level statement (consecutive imports form one atom).
 * Leading comments and blank lines belong to the atom that follows; text after the last
 * statement belongs to the last atom. Throws InvalidInputError when the code does not parse.
 */
export function atomizeSource(code: string, file: string, language = fileLanguage(file)): AtomizedFile {
  if (!language) throw new InvalidInputError(`${file}: unsupported file extension`);
  const tree = parseOrThrow(code, language, file);
  const statements = tree.rootNode.namedChildren.filter((n) => !COMMENT_NODES.has(n.type));

  const groups: SyntaxNode[][] = [];
  for (const node of statements) {
    const previous = groups.at(-1);
    if (previous && IMPORT_NODES.has(node.type) && IMPORT_NODES.has(previous[0]!.type)) previous.push(node);
    else groups.push([node]);
  }

  const lineStarts = lineStartIndexes(code);
  const atoms: DraftAtom[] = [];
  let start = 0;
  groups.forEach((group, i) => {
    const last = group.at(-1)!;
    const next = groups[i + 1]?.[0];
    const end = next ? boundaryBetween(last, next, lineStarts, code.length) : code.length;
    atoms.push(describe(group, code, start, end, atoms.length, lineStarts));
    start = end;
  });
  if (atoms.length === 0 && code.length > 0) {
    // Only comments or whitespace: one atom keeps the file lossless.
    atoms.push({ ordinal: 0, kind: 'statement', name: 'preamble', ...span(code, 0, code.length, lineStarts), loc: countLoc(code), complexity: 1, defines: [], uses: [], code });
  }
  return { path: file, language, atoms };
}

/** The next atom starts at the line after `last` ends, unless `next` shares that line. */
function boundaryBetween(last: SyntaxNode, next: SyntaxNode, lineStarts: number[], length: number): number {
  if (next.startPosition.row === last.endPosition.row) return last.endIndex;
  return lineStarts[last.endPosition.row + 1] ?? length;
}

function describe(group: SyntaxNode[], code: string, start: number, end: number, ordinal: number, lineStarts: number[]): DraftAtom {
  const first = group[0]!;
  const text = code.slice(start, end);
  const { kind, name } = IMPORT_NODES.has(first.type) ? { kind: 'import' as const, name: 'imports' } : classify(first);
  return {
    ordinal,
    kind,
    name,
    ...span(code, start, end, lineStarts),
    loc: countLoc(text),
    complexity: group.reduce((sum, node) => sum + cyclomaticComplexity(node) - 1, 1),
    defines: unique(group.flatMap(definedNames)),
    uses: unique(group.flatMap(usedNames)).filter((n) => IMPORT_NODES.has(first.type) || !group.some((g) => definedNames(g).includes(n))),
    code: text,
  };
}

function classify(node: SyntaxNode): { kind: AtomKind; name: string } {
  const target =
    node.type === 'export_statement' ? (node.childForFieldName('declaration') ?? node) : node.type === 'decorated_definition' ? (node.childForFieldName('definition') ?? node) : node;
  const defined = definedNames(target);
  const name = defined[0] ?? `${target.type}@${node.startPosition.row + 1}`;
  switch (target.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'function_definition':
      return { kind: 'function', name };
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'class_definition':
      return { kind: 'class', name };
    case 'lexical_declaration':
    case 'variable_declaration':
    case 'interface_declaration':
    case 'type_alias_declaration':
    case 'enum_declaration':
      return { kind: 'declaration', name };
    default:
      return defined.length > 0 ? { kind: 'declaration', name } : { kind: 'statement', name };
  }
}

function span(code: string, start: number, end: number, lineStarts: number[]) {
  const startByte = Buffer.byteLength(code.slice(0, start));
  return {
    startByte,
    endByte: startByte + Buffer.byteLength(code.slice(start, end)),
    startLine: lineOf(start, lineStarts),
    endLine: lineOf(Math.max(start, end - 1), lineStarts),
  };
}

function lineStartIndexes(code: string): number[] {
  const starts = [0];
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line containing string index `index` (binary search over line starts). */
function lineOf(index: number, lineStarts: number[]): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Non-blank lines that are not only a comment. A first cut by line prefix. */
function countLoc(text: string): number {
  return text.split('\n').filter((line) => {
    const t = line.trim();
    return t !== '' && !t.startsWith('//') && !t.startsWith('#') && !t.startsWith('/*') && !t.startsWith('*');
  }).length;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
