import type { AtomKind } from '@mge/core';
import { bindingsIn, declarationOf, type EntryNodes, type PieceFacts } from './atom-facts.js';
import { signatureOf, type ScopeInfo } from './context.js';
import type { AtomSpan } from './decompose.js';
import type { SourceText } from './source-text.js';
import { definedNames } from './symbols.js';
import type { SyntaxScan } from './syntax-scan.js';

/** Where an atom sits: its enclosing scopes, parent atom, and whether it opens or closes a body. */
export interface ScopeView {
  /** Dotted names of the enclosing named functions and classes. */
  scopePath: string;
  /** Every enclosing node that was split, outermost first (named or not: `describe(..., () => {`). */
  scopes: ScopeInfo[];
  parent: number | null;
  inClass: boolean;
  /** Inside a function body or a compound statement (not module or class level). */
  inBody: boolean;
  /** Where the atom's member pieces sit: directly in a class body / in another body. */
  membersInClass: boolean;
  membersInBody: boolean;
  opens: string | undefined;
  closes: string | undefined;
  name(pieces: readonly PieceFacts[], kind: AtomKind): string;
}

interface Input {
  spans: readonly AtomSpan[];
  splitParent: ReadonlyMap<number, number>;
  nodes: EntryNodes;
  scan: SyntaxScan;
  source: SourceText;
}

export function describeScopes({ spans, splitParent, nodes, scan, source }: Input): {
  views: ScopeView[];
} {
  const entries = scan.entries;
  const firstAtomOf = new Map<number, number>();
  spans.forEach((s, i) => {
    if (!firstAtomOf.has(s.owner)) firstAtomOf.set(s.owner, i);
  });
  const labels = new Map<number, { name: string | undefined; named: boolean; isClass: boolean }>();
  const label = (entry: number) => {
    let l = labels.get(entry);
    if (!l) {
      const node = nodes.get(entry);
      const target = node ? declarationOf(node) : undefined;
      const named =
        !!target && (scan.rules.functions.has(target.type) || scan.rules.classes.has(target.type));
      l = {
        name: node ? definedNames(node)[0] : undefined,
        named,
        isClass: !!target && scan.rules.classes.has(target.type),
      };
      labels.set(entry, l);
    }
    return l;
  };
  const describe = (entry: number): string => {
    const l = label(entry);
    if (l.name) return l.name;
    // An anonymous body (`test("adds", () => {`, an IIFE): its opening line says what it is.
    const e = entries[entry]!;
    const opening = signatureOf(source.text.slice(e.start, Math.min(e.end, e.start + 200)));
    return opening.length > 60 ? `${opening.slice(0, 60)}…` : opening;
  };
  const scopeInfos = new Map<number, ScopeInfo>();
  const scopeInfo = (entry: number): ScopeInfo => {
    let info = scopeInfos.get(entry);
    if (!info) {
      const e = entries[entry]!;
      info = {
        signature: signatureOf(source.text.slice(e.start, e.end)),
        bindings: bindingsIn(scan, source.text, e.start, e.end),
      };
      scopeInfos.set(entry, info);
    }
    return info;
  };
  const blockCounters = new Map<string, number>();

  const views = spans.map((span): ScopeView => {
    const owner = span.owner;
    const holdsHeader = span.pieces.some((p) => p.role === 'header' && p.entry === owner);
    const chain: number[] = [];
    for (
      let e = holdsHeader ? (splitParent.get(owner) ?? -1) : owner;
      e >= 0;
      e = splitParent.get(e) ?? -1
    )
      chain.unshift(e);
    const pathOf = (scopes: readonly number[]): string =>
      scopes
        .filter((e) => label(e).named)
        .map((e) => label(e).name ?? '<anonymous>')
        .join('.');
    const scopePath = pathOf(chain);
    const innermost = chain.at(-1);
    const inClass = innermost !== undefined && label(innermost).isClass;
    const parentNode = holdsHeader ? splitParent.get(owner) : owner;
    const opensEntry = span.pieces.find(
      (p) => p.role === 'header' && p.entry >= 0 && span.end < entries[p.entry]!.end,
    );
    const ownerEntry = entries[owner];
    const ownerIsClass = owner >= 0 && label(owner).isClass;
    return {
      membersInClass: ownerIsClass,
      membersInBody: owner >= 0 && !ownerIsClass,
      scopePath,
      scopes: chain.map(scopeInfo),
      parent:
        parentNode !== undefined && parentNode >= 0 ? (firstAtomOf.get(parentNode) ?? null) : null,
      inClass,
      inBody: innermost !== undefined && !inClass,
      opens: opensEntry ? describe(opensEntry.entry) : undefined,
      closes:
        ownerEntry && !holdsHeader && span.start > ownerEntry.start && span.end >= ownerEntry.end
          ? describe(owner)
          : undefined,
      name(pieces: readonly PieceFacts[], kind: AtomKind) {
        // A header absorbed into a nested split still names its own node, qualified by the scopes above it.
        const qualify = (entry: number, name: string): string => {
          const at = chain.indexOf(entry);
          const prefix = at >= 0 ? pathOf(chain.slice(0, at)) : scopePath;
          return prefix ? `${prefix}.${name}` : name;
        };
        const names = span.pieces
          .map((p, k) => {
            const name =
              p.role === 'header'
                ? label(p.entry).name
                : pieces[k]!.kind === 'block'
                  ? undefined
                  : pieces[k]!.name;
            return name === undefined
              ? undefined
              : qualify(p.role === 'header' ? p.entry : -2, name);
          })
          .filter((n): n is string => n !== undefined);
        const unique = [...new Set(names)];
        if (unique.length > 0)
          return unique.slice(0, 4).join(', ') + (unique.length > 4 ? ', …' : '');
        if (kind === 'import') return 'imports';
        const base = scopePath || (owner >= 0 ? describe(owner) : '<module>');
        const n = (blockCounters.get(base) ?? 0) + 1;
        blockCounters.set(base, n);
        return `${base}#${n}`;
      },
    };
  });
  return { views };
}
