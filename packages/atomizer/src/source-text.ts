import { InvalidInputError } from '@mge/core';

/**
 * Largest input the atomizer accepts. Task files are generated or hand-written modules; a bigger
 * input is a bundle or a data dump, and parsing it would hold a worker for seconds.
 * @defaultValue 8 MiB
 */
export const DEFAULT_MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * Decodes a file's bytes for atomization: rejects inputs that are too large, binary (a NUL byte)
 * or not valid UTF-8, each with a message naming the problem. Byte offsets in atoms are only
 * meaningful when the text round-trips to the same bytes, which these checks guarantee.
 */
export function decodeSource(
  bytes: Uint8Array,
  file: string,
  maxBytes = DEFAULT_MAX_SOURCE_BYTES,
): string {
  if (bytes.length > maxBytes) {
    throw new InvalidInputError(
      `${file}: ${formatSize(bytes.length)} is over the atomizer's limit of ${formatSize(maxBytes)}`,
      {
        file,
        bytes: bytes.length,
        maxBytes,
      },
    );
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    throw new InvalidInputError(
      `${file}: looks binary (NUL byte at offset ${nul}); expected source text`,
      { file, offset: nul },
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8(bytes);
    throw new InvalidInputError(
      `${file}: not valid UTF-8 (first bad byte at offset ${offset})`,
      { file, offset },
      { cause: error },
    );
  }
  return text;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection (each probe decodes; inputs here are small).
  while (hi - lo > 4) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}

/**
 * Line and byte arithmetic over one source string. tree-sitter's Node binding reports string
 * (UTF-16) indexes, the atom contract wants UTF-8 byte offsets and 1-based lines.
 */
export class SourceText {
  /** String index where each line starts. */
  readonly lineStarts: number[];
  /** True when every character is ASCII, so string indexes are byte offsets. */
  private readonly ascii: boolean;

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
    // eslint-disable-next-line no-control-regex
    this.ascii = !/[^\x00-\x7f]/.test(text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 0-based row containing string index `index` (binary search). */
  rowOf(index: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineStart(row: number): number {
    return this.lineStarts[row] ?? this.text.length;
  }

  /**
   * UTF-8 byte offsets of sorted string indexes, in one pass over the text (O(n) in total instead
   * of measuring every prefix).
   */
  byteOffsets(sortedIndexes: readonly number[]): number[] {
    if (this.ascii) return [...sortedIndexes];
    const out: number[] = [];
    let bytes = 0;
    let at = 0;
    for (const index of sortedIndexes) {
      bytes += Buffer.byteLength(this.text.slice(at, index));
      at = index;
      out.push(bytes);
    }
    return out;
  }
}
