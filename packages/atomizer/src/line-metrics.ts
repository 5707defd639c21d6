import type { SourceText } from './source-text.js';

/**
 * Lines of code from the AST: a line counts when it holds a character that is neither whitespace
 * nor inside a comment or docstring (so `x = 1  # note` counts, `# note` and a docstring do not).
 */
export class LineMetrics {
  /** locBefore[r]: code lines in rows 0..r-1. */
  private readonly locBefore: Uint32Array;

  constructor(
    private readonly source: SourceText,
    /** Sorted [start, end) string-index pairs of comments and docstrings. */
    private readonly trivia: readonly number[],
  ) {
    const code = markCodeLines(source, trivia);
    this.locBefore = new Uint32Array(code.length + 1);
    for (let r = 0; r < code.length; r++) this.locBefore[r + 1] = this.locBefore[r]! + code[r]!;
  }

  /** Code lines that intersect [start, end). */
  loc(start: number, end: number): number {
    if (end <= start) return 0;
    return (
      this.locBefore[this.source.rowOf(end - 1) + 1]! - this.locBefore[this.source.rowOf(start)]!
    );
  }

  isCodeLine(row: number): boolean {
    return this.locBefore[row + 1]! > this.locBefore[row]!;
  }

  /** Whether string index `index` lies inside a comment or docstring (binary search). */
  inTrivia(index: number): boolean {
    let lo = 0;
    let hi = this.trivia.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.trivia[2 * mid + 1]! <= index) lo = mid + 1;
      else if (this.trivia[2 * mid]! > index) hi = mid - 1;
      else return true;
    }
    return false;
  }
}

function markCodeLines(source: SourceText, trivia: readonly number[]): Uint8Array {
  const { text, lineStarts } = source;
  const code = new Uint8Array(lineStarts.length);
  let row = 0;
  const mark = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      // whitespace, including CR, form feed and the BOM
      if (c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xfeff)
        continue;
      while (row + 1 < lineStarts.length && lineStarts[row + 1]! <= i) row++;
      code[row] = 1;
    }
  };
  let at = 0;
  for (let t = 0; t < trivia.length; t += 2) {
    const start = trivia[t]!;
    if (start > at) mark(at, start);
    at = Math.max(at, trivia[t + 1]!);
  }
  mark(at, text.length);
  return code;
}
