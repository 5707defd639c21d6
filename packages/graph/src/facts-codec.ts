import type { AtomKind, FileLanguage } from '@mge/core';
import type {
  Binding,
  BindingKind,
  ExportTarget,
  FileSymbols,
  Reference,
  ReferenceKind,
  Scope,
  Space,
} from '@mge/source';
import type { CutAtom, FileFacts } from './file-facts.js';

/**
 * A batch of files' facts as a worker thread sends them: every string once in `strings`, the
 * rest numbers in `ints` (a typed array clones as one copy). Structured clone of the object
 * graphs themselves (scopes, maps, bindings) took about 5 s to deserialize on the receiving
 * thread at 110k atoms, more than the per-file work it saved (docs/benchmarks.md).
 */
export interface EncodedFacts {
  strings: string[];
  ints: Int32Array;
}

const NONE = -1;

/** Encodes facts so that `decodeFacts` rebuilds them with the same shape and sharing. */
export function encodeFacts(facts: readonly FileFacts[]): EncodedFacts {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const ints: number[] = [];
  const str = (s: string | undefined) => {
    if (s === undefined) return ints.push(NONE);
    let id = stringIds.get(s);
    if (id === undefined) stringIds.set(s, (id = strings.push(s) - 1));
    return ints.push(id);
  };
  ints.push(facts.length);
  for (const { cut, symbols, order } of facts) {
    if (cut) {
      ints.push(cut.length);
      for (const a of cut) {
        ints.push(a.ordinal);
        str(a.name);
        str(a.kind);
        ints.push(a.startLine, a.endLine, a.startByte, a.endByte);
      }
    } else ints.push(NONE);
    ints.push(order.length);
    for (const [a, b] of order) ints.push(a, b);
    if (symbols) encodeSymbols(symbols, ints, str);
    else ints.push(NONE);
  }
  return { strings, ints: Int32Array.from(ints) };
}

function encodeSymbols(
  symbols: FileSymbols,
  ints: number[],
  str: (s: string | undefined) => void,
): void {
  // Numbered so that a binding's `others` and a scope's parent come before it.
  const bindingIds = new Map<Binding, number>();
  const bindings: Binding[] = [];
  const addBinding = (b: Binding) => {
    if (bindingIds.has(b)) return;
    b.others?.forEach(addBinding);
    bindingIds.set(b, bindings.push(b) - 1);
  };
  const scopeIds = new Map<Scope, number>();
  const scopes: Scope[] = [];
  const addScope = (s: Scope) => {
    if (scopeIds.has(s)) return;
    if (s.parent) addScope(s.parent);
    scopeIds.set(s, scopes.push(s) - 1);
    s.names.forEach(addBinding);
  };
  addScope(symbols.module);
  for (const ref of symbols.references) addScope(ref.scope);
  symbols.imports.forEach(addBinding);

  str(symbols.path);
  str(symbols.language);
  ints.push(symbols.commonJs ? 1 : 0);
  ints.push(bindings.length);
  for (const b of bindings) {
    str(b.name);
    str(b.kind);
    ints.push(b.offset);
    if (b.import) {
      str(b.import.source);
      str(b.import.imported);
    } else ints.push(NONE);
    ints.push(b.others ? b.others.length : NONE);
    for (const o of b.others ?? []) ints.push(bindingIds.get(o)!);
  }
  ints.push(scopes.length);
  for (const s of scopes) {
    str(s.kind);
    ints.push(s.parent ? scopeIds.get(s.parent)! : NONE, s.names.size);
    for (const [name, b] of s.names) {
      str(name);
      ints.push(bindingIds.get(b)!);
    }
  }
  ints.push(symbols.references.length);
  for (const r of symbols.references) {
    str(r.name);
    ints.push(r.offset, scopeIds.get(r.scope)!);
    str(r.kind);
    str(r.member);
    str(r.space);
  }
  ints.push(symbols.exports.size);
  for (const [name, target] of symbols.exports) {
    str(name);
    str(target.kind);
    ints.push(target.offset);
    if (target.kind === 'local') str(target.name);
    else if (target.kind === 'reexport') {
      str(target.source);
      str(target.imported);
    }
  }
  ints.push(symbols.starExports.length);
  for (const { source, offset } of symbols.starExports) {
    str(source);
    ints.push(offset);
  }
  ints.push(symbols.imports.length);
  for (const b of symbols.imports) ints.push(bindingIds.get(b)!);
}

/** The facts `encodeFacts` encoded. */
export function decodeFacts({ strings, ints }: EncodedFacts): FileFacts[] {
  let at = 0;
  const int = () => ints[at++]!;
  const str = () => strings[ints[at++]!]!;
  const optionalStr = () => {
    const id = ints[at++]!;
    return id === NONE ? undefined : strings[id]!;
  };
  const facts: FileFacts[] = [];
  for (let files = int(); files > 0; files--) {
    let cut: CutAtom[] | undefined;
    const cutCount = int();
    if (cutCount !== NONE) {
      cut = [];
      for (let i = 0; i < cutCount; i++) {
        const ordinal = int();
        const name = str();
        const kind = str() as AtomKind;
        cut.push({
          ordinal,
          name,
          kind,
          startLine: int(),
          endLine: int(),
          startByte: int(),
          endByte: int(),
        });
      }
    }
    const order: [number, number][] = [];
    for (let n = int(); n > 0; n--) order.push([int(), int()]);
    const symbols = decodeSymbols();
    facts.push(symbols ? { cut, symbols, order } : { cut, order });
  }
  return facts;

  function decodeSymbols(): FileSymbols | undefined {
    const pathId = int();
    if (pathId === NONE) return undefined;
    const path = strings[pathId]!;
    const language = str() as FileLanguage;
    const commonJs = int() === 1;
    const bindings: Binding[] = [];
    for (let n = int(); n > 0; n--) {
      const name = str();
      const kind = str() as BindingKind;
      const offset = int();
      const source = optionalStr();
      const binding: Binding =
        source === undefined
          ? { name, kind, offset }
          : { name, kind, offset, import: { source, imported: str() } };
      const others = int();
      if (others !== NONE) {
        binding.others = [];
        for (let i = 0; i < others; i++) binding.others.push(bindings[int()]!);
      }
      bindings.push(binding);
    }
    const scopes: Scope[] = [];
    for (let n = int(); n > 0; n--) {
      const kind = str() as Scope['kind'];
      const parent = int();
      const scope: Scope = {
        parent: parent === NONE ? undefined : scopes[parent],
        kind,
        names: new Map(),
      };
      for (let names = int(); names > 0; names--) scope.names.set(str(), bindings[int()]!);
      scopes.push(scope);
    }
    const references: Reference[] = [];
    for (let n = int(); n > 0; n--) {
      const ref: Reference = {
        name: str(),
        offset: int(),
        scope: scopes[int()]!,
        kind: str() as ReferenceKind,
      };
      const member = optionalStr();
      const space = optionalStr() as Space | undefined;
      if (member !== undefined) ref.member = member;
      if (space !== undefined) ref.space = space;
      references.push(ref);
    }
    const exports = new Map<string, ExportTarget>();
    for (let n = int(); n > 0; n--) {
      const name = str();
      const kind = str() as ExportTarget['kind'];
      const offset = int();
      if (kind === 'local') exports.set(name, { kind, name: str(), offset });
      else if (kind === 'reexport')
        exports.set(name, { kind, source: str(), imported: str(), offset });
      else exports.set(name, { kind, offset });
    }
    const starExports: FileSymbols['starExports'] = [];
    for (let n = int(); n > 0; n--) starExports.push({ source: str(), offset: int() });
    const imports: Binding[] = [];
    for (let n = int(); n > 0; n--) imports.push(bindings[int()]!);
    return {
      path,
      language,
      module: scopes[0]!,
      references,
      exports,
      starExports,
      imports,
      commonJs,
    };
  }
}
