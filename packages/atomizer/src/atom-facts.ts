import type { AtomKind } from '@mge/core';
import type { AtomSpan } from './decompose.js';
import type { SyntaxNode, Tree } from './parser.js';
import type { SourceText } from './source-text.js';
import { definedNames } from './symbols.js';
import { RefRole, type Entry, type SyntaxScan } from './syntax-scan.js';

/**
 * Lazily materialized nodes: the scan recorded entries as plain ranges; only the entries that an
 * atom is described by are looked up as tree-sitter nodes (a handful per atom).
 */
export class EntryNodes {
  private readonly cache = new Map<number, SyntaxNode>();

  constructor(
    private readonly tree: Tree,
    private readonly entries: readonly Entry[],
  ) {}

  get(index: number): SyntaxNode | undefined {
    if (index < 0) return undefined;
    let node = this.cache.get(index);
    if (node) return node;
    const e = this.entries[index]!;
    let n: SyntaxNode | null = this.tree.rootNode.descendantForIndex(e.start, e.end);
    while (n && !(n.startIndex === e.start && n.endIndex === e.end && n.type === e.type))
      n = n.parent;
    if (!n) return undefined;
    node = n;
    this.cache.set(index, node);
    return node;
  }
}

/** Unwraps `export ...` and decorated definitions to the declaration they carry. */
export function declarationOf(node: SyntaxNode): SyntaxNode {
  if (node.type === 'export_statement') return node.childForFieldName('declaration') ?? node;
  if (node.type === 'decorated_definition') return node.childForFieldName('definition') ?? node;
  return node;
}

/** What one piece of an atom is, for naming and kinds. */
export interface PieceFacts {
  kind: AtomKind;
  /** The declared name when the piece declares a function, class or value. */
  name: string | undefined;
  defines: string[];
  /** A declaration node (function / class / value) or undefined for plain statements. */
  declaration: SyntaxNode | undefined;
  /** Executable code at module level (runs on import). */
  moduleLevelEffect: boolean;
}

export function pieceFacts(
  node: SyntaxNode | undefined,
  scan: SyntaxScan,
  inClass: boolean,
  inBody: boolean,
  header: boolean,
): PieceFacts {
  if (!node)
    return {
      kind: inBody ? 'block' : 'statement',
      name: undefined,
      defines: [],
      declaration: undefined,
      moduleLevelEffect: false,
    };
  const target = declarationOf(node);
  const rules = scan.rules;
  const defines = definedNames(node);
  const name = defines[0];
  if (rules.imports.has(target.type))
    return {
      kind: 'import',
      name: undefined,
      defines,
      declaration: undefined,
      moduleLevelEffect: false,
    };
  if (rules.classes.has(target.type))
    return { kind: 'class', name, defines, declaration: target, moduleLevelEffect: false };
  if (rules.functions.has(target.type)) {
    return {
      kind: inClass ? 'method' : 'function',
      name,
      defines,
      declaration: target,
      moduleLevelEffect: false,
    };
  }
  if (header)
    return {
      kind: inBody ? 'block' : 'statement',
      name,
      defines,
      declaration: undefined,
      moduleLevelEffect: false,
    };
  const isAssignment =
    target.type === 'expression_statement' && target.firstNamedChild?.type === 'assignment';
  if (
    rules.declarations.has(target.type) &&
    (target.type !== 'expression_statement' || isAssignment)
  ) {
    return {
      kind: inBody && !inClass ? 'block' : 'declaration',
      name,
      defines,
      declaration: target,
      moduleLevelEffect: false,
    };
  }
  const executable =
    !inBody && !inClass && target.type === 'expression_statement' && !isStringStatement(target);
  return {
    kind: inBody ? 'block' : 'statement',
    name,
    defines,
    declaration: undefined,
    moduleLevelEffect: executable && !isModuleExportsAssignment(target),
  };
}

function isStringStatement(node: SyntaxNode): boolean {
  return node.namedChildCount === 1 && node.firstNamedChild?.type === 'string';
}

/** `module.exports = ...` / `exports.x = ...` define a CommonJS module's interface; not an effect. */
function isModuleExportsAssignment(node: SyntaxNode): boolean {
  const expression = node.firstNamedChild;
  if (expression?.type !== 'assignment_expression') return false;
  const left = expression.childForFieldName('left')?.text ?? '';
  return left.startsWith('module.exports') || left.startsWith('exports.');
}

/** Precedence when one atom holds several pieces: the most structural kind names the atom. */
const KIND_RANK: Record<AtomKind, number> = {
  class: 6,
  function: 5,
  method: 5,
  declaration: 4,
  import: 3,
  block: 2,
  statement: 1,
};

export function atomKindOf(pieces: readonly PieceFacts[]): AtomKind {
  let kind: AtomKind = pieces[0]?.kind ?? 'statement';
  for (const p of pieces) if (KIND_RANK[p.kind] > KIND_RANK[kind]) kind = p.kind;
  return kind;
}

/** Index of the first reference starting at or after `index` (binary search). */
export function firstRefAtOrAfter(scan: SyntaxScan, index: number): number {
  let lo = 0;
  let hi = scan.refStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (scan.refStart[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Names bound (declared, assigned, imported, parameters) anywhere in [start, end). */
export function bindingsIn(
  scan: SyntaxScan,
  text: string,
  start: number,
  end: number,
): Set<string> {
  const names = new Set<string>();
  for (
    let i = firstRefAtOrAfter(scan, start);
    i < scan.refStart.length && scan.refStart[i]! < end;
    i++
  ) {
    if (scan.refRole[i] === RefRole.Binding)
      names.add(text.slice(scan.refStart[i], scan.refEnd[i]));
  }
  return names;
}

/** Names an atom reads that it does not bind itself, in order of first use. */
export function usesIn(
  scan: SyntaxScan,
  source: SourceText,
  span: AtomSpan,
  defines: readonly string[],
): string[] {
  const bound = bindingsIn(scan, source.text, span.start, span.end);
  for (const name of defines) bound.add(name);
  const uses = new Set<string>();
  for (
    let i = firstRefAtOrAfter(scan, span.start);
    i < scan.refStart.length && scan.refStart[i]! < span.end;
    i++
  ) {
    if (scan.refRole[i] !== RefRole.Use) continue;
    const name = source.text.slice(scan.refStart[i], scan.refEnd[i]);
    if (!bound.has(name)) uses.add(name);
  }
  return [...uses];
}

/** 1 + decision points whose nodes start inside the atom. */
export function complexityIn(scan: SyntaxScan, start: number, end: number): number {
  const d = scan.decisions;
  let lo = 0;
  let hi = d.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  let count = 1;
  for (let i = lo; i < d.length && d[i]! < end; i++) count++;
  return count;
}
