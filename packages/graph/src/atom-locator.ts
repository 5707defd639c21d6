/** An atom's place in its file: UTF-8 byte offsets, end exclusive, as the atomizer reports them. */
export interface AtomSpan {
  id: string;
  startByte: number;
  endByte: number;
}

/**
 * Maps a string index in a file (what tree-sitter reports through its JavaScript binding) to the
 * atom that contains it. Atoms tile their file, so a binary search over their starts suffices.
 */
export class AtomLocator {
  /** String index where each atom starts, ascending. */
  private readonly starts: number[];

  constructor(
    code: string,
    private readonly atoms: readonly AtomSpan[],
  ) {
    const toIndex = byteToIndex(code);
    this.starts = atoms.map((a) => toIndex(a.startByte));
  }

  get size(): number {
    return this.atoms.length;
  }

  /** Position (ordinal) of the atom containing string index `index`, or -1 before the first atom. */
  indexAt(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0 || index < this.starts[0]!) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  idAt(index: number): string | undefined {
    return this.atoms[this.indexAt(index)]?.id;
  }

  idOf(position: number): string | undefined {
    return this.atoms[position]?.id;
  }
}

/** UTF-8 byte offset -> string (UTF-16) index; the identity for ASCII files, the common case. */
function byteToIndex(code: string): (byte: number) => number {
  if (Buffer.byteLength(code) === code.length) return (byte) => byte;
  const byteAt: number[] = [];
  let bytes = 0;
  for (let i = 0; i < code.length; i++) {
    byteAt.push(bytes);
    const c = code.charCodeAt(i);
    // Surrogate pairs take 4 bytes for two code units: count 2 + 2.
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  byteAt.push(bytes);
  return (byte) => {
    let lo = 0;
    let hi = byteAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byteAt[mid]! < byte) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
