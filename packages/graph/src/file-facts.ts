import { fileLanguage, type AtomKind, type FileLanguage } from '@mge/core';
import { atomizeKeepingTree, parseChecked, plainTree, type Tree } from '@mge/atomizer';
import { extractSymbols, normalizePath, type FileSymbols } from '@mge/source';
import { AtomLocator } from './atom-locator.js';
import { orderEdges } from './order-edges.js';

/** An atom's byte range in its file (UTF-8, end exclusive). */
export interface ByteSpan {
  startByte: number;
  endByte: number;
}

/** An atom the atomizer cut, with what the graph reports about it. */
export interface CutAtom extends ByteSpan {
  ordinal: number;
  name: string;
  kind: AtomKind;
  startLine: number;
  endLine: number;
}

/** One file's share of a graph build: everything that needs its syntax tree. */
export interface FactsTask {
  /** The path as given; symbols are keyed by its normalized form. */
  file: string;
  code: string;
  /** @defaultValue from the file extension */
  language?: FileLanguage;
  /** The file's atoms; absent: atomize the file first (throws InvalidInputError when it does not parse). */
  atoms?: readonly ByteSpan[];
}

/** What a graph build needs from one file, free of syntax nodes (structured-clone safe, cacheable). */
export interface FileFacts {
  /** The atoms cut, when the task asked for atomization. */
  cut?: CutAtom[];
  /** Undefined for a file without atoms or in a language the graph does not read. */
  symbols?: FileSymbols;
  /** Ordering edges of constructs split across atoms, as [prerequisite, dependent] positions. */
  order: [number, number][];
}

/** Parses the file once and extracts symbols and ordering edges (atomizing first if asked). */
export function fileFacts(task: FactsTask): FileFacts {
  const language = task.language ?? fileLanguage(task.file);
  let cut: CutAtom[] | undefined;
  let tree: Tree | undefined;
  if (!task.atoms) {
    const atomized = atomizeKeepingTree(task.code, task.file);
    // The tree the atomizer cut the file from (valid syntax) serves the graph too.
    if (atomized.atomized.language === language) tree = atomized.tree;
    cut = atomized.atomized.atoms.map(
      ({ ordinal, name, kind, startLine, endLine, startByte, endByte }) => ({
        ordinal,
        name,
        kind,
        startLine,
        endLine,
        startByte,
        endByte,
      }),
    );
  }
  const atoms = task.atoms ?? cut!;
  if (!language || atoms.length === 0) return { cut, order: [] };
  tree ??= parseChecked(task.code, language, task.file).tree;
  const locator = new AtomLocator(
    task.code,
    atoms.map((a) => ({ id: '', ...a })),
  );
  // Both walks read a plain copy of the tree: node accessors of the binding cross into native code.
  const root = plainTree(tree);
  return {
    cut,
    symbols: extractSymbols(root, normalizePath(task.file), language),
    order: orderEdges(root, locator),
  };
}
