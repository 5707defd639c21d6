import type { LineMetrics } from './line-metrics.js';
import { partitionPieces, type Piece, type SizePolicy } from './size-policy.js';
import type { SourceText } from './source-text.js';
import type { Entry, SyntaxScan } from './syntax-scan.js';

/** One atom's extent before it is described: contiguous, and the spans of a file tile it. */
export interface AtomSpan {
  start: number;
  end: number;
  loc: number;
  pieces: Piece[];
  /** Entry whose body this atom was cut from (its enclosing node); -1 for top level. */
  owner: number;
  /** Over `max` but has no statement boundary to cut at (a huge literal, a long signature). */
  indivisible: boolean;
}

/** The atoms of a file, and for each node that was split, the node it was split out of. */
export interface Decomposition {
  spans: AtomSpan[];
  /** Split node entry -> enclosing split node entry (-1: top level). */
  splitParent: Map<number, number>;
}

interface Context {
  splitParent: Map<number, number>;
  source: SourceText;
  lines: LineMetrics;
  scan: SyntaxScan;
  policy: SizePolicy;
}

/**
 * Recursive decomposition: the file's top-level statements are pieces; a piece over `max` is
 * split at the statements of the outermost bodies inside it (class body, function body, blocks of
 * compound statements, callbacks passed as arguments), recursively; runs of small pieces at one
 * level are merged by `partitionPieces`. Cuts fall only between statements, never inside one.
 */
export function decompose(
  source: SourceText,
  lines: LineMetrics,
  scan: SyntaxScan,
  policy: SizePolicy,
): Decomposition {
  const splitParent = new Map<number, number>();
  if (source.text.length === 0) return { spans: [], splitParent };
  return {
    spans: split({ source, lines, scan, policy, splitParent }, 0, source.text.length, -1, -1),
    splitParent,
  };
}

/** Cuts [start, end), which holds node `owner` (-1: the file) inside node `parent`. */
function split(cx: Context, start: number, end: number, owner: number, parent: number): AtomSpan[] {
  const points = splitPoints(cx.source, cx.scan.entries, owner);
  if (points.length === 0) {
    const whole = piece(cx, start, end, owner, 'member');
    return [
      {
        start,
        end,
        loc: whole.loc,
        pieces: [whole],
        owner: parent,
        indivisible: whole.loc > cx.policy.max,
      },
    ];
  }
  cx.splitParent.set(owner, parent);

  const pieces: Piece[] = [];
  const firstCut = owner === -1 ? start : cutBefore(cx, points[0]!.start, start);
  if (firstCut > start) pieces.push(piece(cx, start, firstCut, owner, 'header'));
  for (let i = 0; i < points.length; i++) {
    const from = i === 0 ? firstCut : cutBetween(cx, points[i - 1]!.end, points[i]!.start);
    const to = i + 1 < points.length ? cutBetween(cx, points[i]!.end, points[i + 1]!.start) : end;
    if (to > from) pieces.push(piece(cx, from, to, points[i]!.entry, 'member'));
  }

  const atoms: AtomSpan[] = [];
  for (const segment of absorbSmallRuns(segmentsOf(pieces, cx.policy), cx.policy)) {
    if (segment.big) {
      const parts = split(cx, segment.start, segment.end, segment.big.entry, owner);
      // Pieces absorbed from small neighbouring runs still describe the atoms they landed in.
      parts[0]!.pieces.unshift(...segment.lead);
      parts.at(-1)!.pieces.push(...segment.trail);
      atoms.push(...parts);
    } else
      for (const group of partitionPieces(segment.run, cx.policy))
        atoms.push(spanOf(group, owner, cx.policy));
  }
  return atoms;
}

/** Either a piece too big to keep whole (to split further) or a run of small pieces (to merge). */
interface Segment {
  start: number;
  end: number;
  big?: Piece;
  run: Piece[];
  loc: number;
  lead: Piece[];
  trail: Piece[];
}

function segmentsOf(pieces: readonly Piece[], policy: SizePolicy): Segment[] {
  const segments: Segment[] = [];
  for (const p of pieces) {
    const last = segments.at(-1);
    if (p.loc > policy.max && p.role === 'member')
      segments.push({
        start: p.start,
        end: p.end,
        big: p,
        run: [],
        loc: p.loc,
        lead: [],
        trail: [],
      });
    else if (last && !last.big) {
      last.run.push(p);
      last.end = p.end;
      last.loc += p.loc;
    } else segments.push({ start: p.start, end: p.end, run: [p], loc: p.loc, lead: [], trail: [] });
  }
  return segments;
}

/**
 * A run too small to be an atom next to a piece that will be split (a class line before a huge
 * first method, a short method after a huge last one) joins that piece's range, so it lands in
 * the first or last atom of the split instead of standing alone.
 */
function absorbSmallRuns(segments: Segment[], policy: SizePolicy): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = segments[i + 1];
    const previous = out.at(-1);
    if (!s.big && s.loc < policy.min && next?.big) {
      next.start = s.start;
      next.lead = s.run;
    } else if (!s.big && s.loc < policy.min && previous?.big) {
      previous.end = s.end;
      previous.trail = s.run;
    } else out.push(s);
  }
  return out;
}

function piece(cx: Context, start: number, end: number, entry: number, role: Piece['role']): Piece {
  const type = entry >= 0 ? cx.scan.entries[entry]!.type : '';
  return {
    start,
    end,
    loc: cx.lines.loc(start, end),
    entry,
    role,
    isImport: role === 'member' && cx.scan.rules.imports.has(type),
  };
}

function spanOf(group: Piece[], owner: number, policy: SizePolicy): AtomSpan {
  const loc = group.reduce((sum, p) => sum + p.loc, 0);
  return {
    start: group[0]!.start,
    end: group.at(-1)!.end,
    loc,
    pieces: group,
    owner,
    indivisible: loc > policy.max,
  };
}

interface SplitPoint {
  start: number;
  end: number;
  entry: number;
}

/**
 * The statements directly inside the outermost containers below `owner` (entries are in
 * preorder, so they are the entries of the owner's subtree one container level deeper).
 * Members that start on their container's opening line belong to the header (`case x:`'s value);
 * decorators are glued to the member they decorate.
 */
function splitPoints(source: SourceText, entries: readonly Entry[], owner: number): SplitPoint[] {
  const ownerEntry = owner >= 0 ? entries[owner] : undefined;
  const depth = ownerEntry ? ownerEntry.depth + 1 : 1;
  const limit = ownerEntry ? ownerEntry.end : Number.POSITIVE_INFINITY;
  const points: SplitPoint[] = [];
  let decoratorStart = -1;
  for (let j = owner + 1; j < entries.length; j++) {
    const e = entries[j]!;
    if (e.start >= limit) break;
    if (e.depth !== depth) continue;
    if (
      ownerEntry &&
      e.start !== e.containerStart &&
      source.rowOf(e.start) === source.rowOf(e.containerStart)
    )
      continue;
    if (e.type === 'decorator') {
      if (decoratorStart < 0) decoratorStart = e.start;
      continue;
    }
    points.push({ start: decoratorStart >= 0 ? decoratorStart : e.start, end: e.end, entry: j });
    decoratorStart = -1;
  }
  return points;
}

/** Where a statement's atom begins when it is the first of a body: its line, with leading comments. */
function cutBefore(cx: Context, at: number, floor: number): number {
  const { source, lines } = cx;
  let row = source.rowOf(at);
  const lineStart = source.lineStart(row);
  if (lineStart <= floor || source.text.slice(lineStart, at).trim() !== '') return at;
  const floorRow = source.rowOf(floor);
  // Leading comments and blank lines attach to the statement that follows, unless a line is the
  // tail of a block comment that began on the header's line.
  while (
    row - 1 > floorRow &&
    !lines.isCodeLine(row - 1) &&
    !(lines.inTrivia(source.lineStart(row - 1) - 1) && lines.inTrivia(source.lineStart(row - 1)))
  )
    row--;
  return source.lineStart(row);
}

/** Between two statements: the next atom starts on the line after the previous ends, unless they share it. */
function cutBetween(cx: Context, previousEnd: number, nextStart: number): number {
  const row = cx.source.rowOf(Math.max(0, previousEnd - 1));
  if (cx.source.rowOf(nextStart) === row) return previousEnd;
  return cx.source.lineStart(row + 1);
}
