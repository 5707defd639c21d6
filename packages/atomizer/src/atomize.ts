import { fileLanguage, InvalidInputError, type AtomKind, type FileLanguage } from '@mge/core';
import { apiUsageIn } from './api-usage.js';
import {
  atomKindOf,
  bindingsIn,
  complexityIn,
  EntryNodes,
  pieceFacts,
  usesIn,
  type PieceFacts,
} from './atom-facts.js';
import { describeScopes, type ScopeView } from './scopes.js';
import { buildContext, signatureOf, type AtomContext, type ModuleSymbol } from './context.js';
import { evaluateCriteria, type Criterion } from './criteria.js';
import { decompose, type AtomSpan } from './decompose.js';
import { LineMetrics } from './line-metrics.js';
import { parseChecked, type SyntaxNode, type Tree } from './parser.js';
import { DEFAULT_SIZE_POLICY, type SizePolicy } from './size-policy.js';
import { DEFAULT_MAX_SOURCE_BYTES, SourceText } from './source-text.js';
import { keepWhole, scanSyntax, type SyntaxScan } from './syntax-scan.js';

/** One atom of a file: a contiguous range; the atoms of a file tile it exactly. */
export interface DraftAtom {
  /** Position in the file, from 0. */
  ordinal: number;
  kind: AtomKind;
  /** Qualified by its scope (`Parser.parse`); body blocks are `scope#n`. */
  name: string;
  /** Dotted path of the enclosing named functions and classes; '' at top level. */
  scope: string;
  /** Ordinal of the atom holding the header of the node this atom was cut from; null at top level. */
  parent: number | null;
  /** UTF-8 byte offsets, end exclusive. */
  startByte: number;
  endByte: number;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Lines holding code (not blank, not only comments or docstrings). */
  loc: number;
  /** Cyclomatic complexity: 1 + decision points in the atom. */
  complexity: number;
  defines: string[];
  uses: string[];
  /** The exact source text of the atom. */
  code: string;
  /** Over the size limit with no statement boundary to cut at. */
  sizeViolation: boolean;
  /** How many of the 10 atomicity criteria pass. */
  criteriaPassed: number;
  criteriaFailed: { criterion: Criterion; reason: string }[];
  /** At least 8 of 10 criteria pass. */
  atomic: boolean;
  /** See `buildContext`: the share of referenced names the context resolves, 0..1. */
  contextCompleteness: number;
  context: AtomContext;
}

export interface AtomizedFile {
  path: string;
  language: FileLanguage;
  atoms: DraftAtom[];
}

export interface AtomizeOptions {
  /** @defaultValue 5 / 10 / 15 lines of code */
  size?: Partial<SizePolicy>;
  /** Inputs larger than this are refused. @defaultValue 8 MiB */
  maxBytes?: number;
  /** Parsing is abandoned after this long. @defaultValue 20 000 ms */
  parseTimeoutMs?: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Splits a file into atoms of about 10 lines of code that tile it byte for byte, each with its
 * kind, scope, metrics, symbols, context and atomicity criteria. Pure and synchronous: call it
 * through `AtomizerPool` from code that must keep its event loop free.
 *
 * @throws InvalidInputError for an unsupported extension, a binary or oversized input, or code
 * that is not valid syntax (the message names the first bad line and column; see `parseChecked`).
 */
export function atomizeSource(
  code: string,
  file: string,
  language = fileLanguage(file),
  options: AtomizeOptions = {},
): AtomizedFile {
  return atomizeKeepingTree(code, file, language, options).atomized;
}

/**
 * {@link atomizeSource}, also handing back the syntax tree the atoms were cut from, so a caller
 * that walks the file too (the dependency graph) does not parse it again.
 */
export function atomizeKeepingTree(
  code: string,
  file: string,
  language = fileLanguage(file),
  options: AtomizeOptions = {},
): { atomized: AtomizedFile; tree: Tree } {
  if (!language)
    throw new InvalidInputError(
      `${file}: unsupported file extension (expected .py, .js, .jsx, .mjs, .cjs, .ts, .mts, .cts or .tsx)`,
      { file },
    );
  checkText(code, file, options.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES);
  const policy = { ...DEFAULT_SIZE_POLICY, ...options.size };
  const { tree, unparsed } = parseChecked(code, language, file, options.parseTimeoutMs);
  const source = new SourceText(code);
  const scan = scanSyntax(tree, language);
  keepWhole(scan, unparsed);
  const lines = new LineMetrics(source, scan.trivia);
  const { spans, splitParent } = decompose(source, lines, scan, policy);
  const nodes = new EntryNodes(tree, scan.entries);
  const scopes = describeScopes({ spans, splitParent, nodes, scan, source });

  const facts = spans.map((span, i) => describePieces(span, scopes.views[i]!, nodes, scan));
  const moduleSymbols = collectModuleSymbols(spans, facts, scan, source);
  const offsets = source.byteOffsets(spans.flatMap((s) => [s.start, s.end]));
  const atoms = spans.map((span, ordinal) =>
    buildAtom({
      span,
      ordinal,
      view: scopes.views[ordinal]!,
      pieces: facts[ordinal]!,
      moduleSymbols,
      scan,
      source,
      lines,
      offsets,
      typed: language === 'typescript' || language === 'tsx',
    }),
  );
  return { atomized: { path: file, language, atoms }, tree };
}

function checkText(code: string, file: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(code);
  if (bytes > maxBytes)
    throw new InvalidInputError(
      `${file}: ${bytes} bytes is over the atomizer's limit of ${maxBytes} bytes`,
      { file, bytes, maxBytes },
    );
  const nul = code.indexOf('\0');
  if (nul !== -1)
    throw new InvalidInputError(
      `${file}: looks binary (NUL character at index ${nul}); expected source text`,
      { file },
    );
  if (LONE_SURROGATE.test(code))
    throw new InvalidInputError(
      `${file}: text has an unpaired UTF-16 surrogate, so it has no UTF-8 form`,
      { file },
    );
}

function describePieces(
  span: AtomSpan,
  view: ScopeView,
  nodes: EntryNodes,
  scan: SyntaxScan,
): PieceFacts[] {
  return span.pieces.map((p) =>
    p.role === 'header'
      ? pieceFacts(nodes.get(p.entry), scan, view.inClass, view.inBody, true)
      : pieceFacts(nodes.get(p.entry), scan, view.membersInClass, view.membersInBody, false),
  );
}

/** Names visible at module level: top-level declarations and imports, with their atoms. */
function collectModuleSymbols(
  spans: readonly AtomSpan[],
  facts: readonly PieceFacts[][],
  scan: SyntaxScan,
  source: SourceText,
): Map<string, ModuleSymbol> {
  const symbols = new Map<string, ModuleSymbol>();
  spans.forEach((span, ordinal) => {
    span.pieces.forEach((p, i) => {
      const entry = scan.entries[p.entry];
      if (!entry || entry.depth !== 1) return;
      const text = source.text.slice(entry.start, entry.end);
      const importText = p.isImport ? text.trim() : undefined;
      for (const name of facts[ordinal]![i]!.defines) {
        if (!symbols.has(name))
          symbols.set(name, {
            ordinal,
            signature: signatureOf(text),
            ...(importText === undefined ? {} : { importText }),
          });
      }
    });
  });
  return symbols;
}

function buildAtom(a: {
  span: AtomSpan;
  ordinal: number;
  view: ScopeView;
  pieces: PieceFacts[];
  moduleSymbols: Map<string, ModuleSymbol>;
  scan: SyntaxScan;
  source: SourceText;
  lines: LineMetrics;
  offsets: number[];
  /** TypeScript: parameters are expected to carry types. */
  typed: boolean;
}): DraftAtom {
  const { span, view, pieces, scan, source } = a;
  const defines = [...new Set(pieces.flatMap((p) => p.defines))];
  const uses = usesIn(scan, source, span, defines);
  const kind = atomKindOf(pieces);
  const complexity = complexityIn(scan, span.start, span.end);
  const ctx = buildContext({
    ordinal: a.ordinal,
    uses,
    scopes: view.scopes,
    moduleSymbols: a.moduleSymbols,
    docs: docsIn(scan, source, span),
    rules: scan.rules,
  });
  const api = apiUsageIn(
    scan,
    source.text,
    span.start,
    span.end,
    bindingsIn(scan, source.text, span.start, span.end),
  );
  const declarations = pieces.filter(
    (p) => p.declaration && (p.kind === 'function' || p.kind === 'method' || p.kind === 'class'),
  );
  const parameters = declarations.map((p) => parameterFacts(p.declaration!));
  const criteria = evaluateCriteria({
    loc: span.loc,
    indivisible: span.indivisible,
    complexity,
    definitions: declarations.map((p) => p.name ?? p.kind),
    mixesImports:
      pieces.some((p) => p.kind === 'import') &&
      span.pieces.some((p, k) => pieces[k]!.kind !== 'import' && p.loc > 0),
    opens: view.opens,
    closes: view.closes,
    dependsOnAtoms: ctx.otherAtoms.size,
    completeness: ctx.completeness,
    unresolved: ctx.context.unresolved,
    moduleLevelEffects: pieces.filter((p) => p.moduleLevelEffect).length,
    anonymousScope: view.inBody && view.scopePath === '',
    nondeterministic: api.nondeterministic,
    sideEffects: api.sideEffects,
    maxParameters: Math.max(0, ...parameters.map((p) => p.count)),
    untypedParameters: a.typed ? parameters.reduce((n, p) => n + p.untyped, 0) : 0,
    scopeInputs: ctx.scopeInputs,
  });
  const startByte = a.offsets[2 * a.ordinal]!;
  const endByte = a.offsets[2 * a.ordinal + 1]!;
  return {
    ordinal: a.ordinal,
    kind,
    name: view.name(pieces, kind),
    scope: view.scopePath,
    parent: view.parent,
    startByte,
    endByte,
    startLine: source.rowOf(span.start) + 1,
    endLine: source.rowOf(Math.max(span.start, span.end - 1)) + 1,
    loc: span.loc,
    complexity,
    defines,
    uses,
    code: source.text.slice(span.start, span.end),
    sizeViolation: span.indivisible,
    criteriaPassed: criteria.passed.length,
    criteriaFailed: criteria.failed,
    atomic: criteria.atomic,
    contextCompleteness: ctx.completeness,
    context: ctx.context,
  };
}

/** Comments and docstrings inside the atom (the first few, trimmed): its own documentation. */
function docsIn(scan: SyntaxScan, source: SourceText, span: AtomSpan): string[] {
  const docs: string[] = [];
  for (let t = 0; t < scan.trivia.length && docs.length < 3; t += 2) {
    const start = scan.trivia[t]!;
    if (start < span.start) continue;
    if (start >= span.end) break;
    const text = source.text.slice(start, scan.trivia[t + 1]).trim();
    docs.push(text.length > 300 ? `${text.slice(0, 300)}…` : text);
  }
  return docs;
}

/** Parameter count and how many lack a type annotation (meaningful for TypeScript only). */
function parameterFacts(declaration: SyntaxNode): { count: number; untyped: number } {
  const params = declaration.childForFieldName('parameters');
  if (!params) return { count: 0, untyped: 0 };
  let count = 0;
  let untyped = 0;
  for (const p of params.namedChildren) {
    if (p.type === 'comment') continue;
    const name = p.childForFieldName('pattern')?.text ?? p.text;
    if (name === 'self' || name === 'cls' || name === 'this') continue;
    count++;
    if (
      (p.type === 'required_parameter' || p.type === 'optional_parameter') &&
      !p.childForFieldName('type')
    )
      untyped++;
  }
  return { count, untyped };
}

/** The fields every view of an atom shares (CLI JSON, API, database row), in contract order. */
export type AtomSummary = Pick<
  DraftAtom,
  'kind' | 'name' | 'startByte' | 'endByte' | 'startLine' | 'endLine' | 'loc' | 'complexity'
>;

/** Picks `AtomSummary` from a draft atom or from anything shaped like one (a stored row). */
export function atomSummary(a: AtomSummary): AtomSummary {
  return {
    kind: a.kind,
    name: a.name,
    startByte: a.startByte,
    endByte: a.endByte,
    startLine: a.startLine,
    endLine: a.endLine,
    loc: a.loc,
    complexity: a.complexity,
  };
}
