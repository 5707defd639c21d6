import type { EdgeKind } from '@mge/core';
import {
  declarationAt,
  lookup,
  type Binding,
  type BindingKind,
  type FileSymbols,
  type PlanModules,
  type ReferenceKind,
} from '@mge/source';

/** A position in a plan file: the atom containing it is the node of the graph. */
export interface Site {
  file: string;
  offset: number;
}

/** `from` must be generated before `to`. */
export interface SiteDependency {
  from: Site;
  to: Site;
  kind: EdgeKind;
  symbol: string;
}

type Resolution =
  | { kind: 'definition'; site: Site; bindingKind: BindingKind; via: Site[]; binding?: Binding }
  | { kind: 'namespace'; file: string; via: Site[] };

/**
 * Binds every reference of every file to the definition it names (its own scope chain first,
 * then module scope, then imports followed through re-exports to the real declaration) and
 * returns the dependencies between the sites involved. Names that bind to nothing in the plan
 * (globals, packages) produce nothing.
 */
export function linkSymbols(files: readonly FileSymbols[], modules: PlanModules): SiteDependency[] {
  const linker = new Linker(files, modules);
  for (const file of files) linker.linkFile(file);
  return linker.dependencies;
}

class Linker {
  readonly dependencies: SiteDependency[] = [];
  private readonly byPath: Map<string, FileSymbols>;
  private readonly importCache = new Map<Binding, Resolution | undefined>();

  constructor(
    files: readonly FileSymbols[],
    private readonly modules: PlanModules,
  ) {
    this.byPath = new Map(files.map((f) => [f.path, f]));
  }

  linkFile(file: FileSymbols): void {
    // An import statement depends on what it imports, used or not.
    for (const binding of file.imports) {
      const resolved = this.resolveImport(file, binding);
      if (resolved?.kind === 'definition')
        this.chain(resolved, { file: file.path, offset: binding.offset }, binding.name);
    }
    for (const ref of file.references) {
      const here: Site = { file: file.path, offset: ref.offset };
      const found = lookup(ref.scope, ref.name, ref.space);
      if (!found) {
        this.starImported(file, ref.name, here, ref.kind);
        continue;
      }
      const binding = declarationAt(found, ref.offset, ref.space);
      const site: Site = { file: file.path, offset: binding.offset };
      if (!binding.import) {
        this.add(site, here, edgeKind(ref.kind, binding.kind), ref.name);
        continue;
      }
      this.add(site, here, 'import', ref.name);
      let resolved = this.resolveImport(file, binding);
      if (resolved?.kind === 'namespace' && ref.member !== undefined) {
        resolved = this.resolveExport(resolved.file, ref.member, new Set());
        if (resolved?.kind === 'definition') this.chain(resolved, site, ref.member);
      }
      if (resolved?.kind === 'definition') {
        // `interface X` and `const X` exported under one name: the reference's space picks one.
        const target = resolved.binding
          ? declarationAt(resolved.binding, Infinity, ref.space)
          : undefined;
        const site = target ? { file: resolved.site.file, offset: target.offset } : resolved.site;
        this.add(
          site,
          here,
          edgeKind(ref.kind, target?.kind ?? resolved.bindingKind),
          ref.member ?? ref.name,
        );
      }
    }
  }

  /** Python `from m import *` (and nothing else in scope): the name may come from m. */
  private starImported(file: FileSymbols, name: string, here: Site, kind: ReferenceKind): void {
    if (file.language !== 'python') return;
    for (const star of file.starExports) {
      const target = this.modules.resolve(file.path, star.source);
      const resolved = target ? this.resolveExport(target, name, new Set()) : undefined;
      if (resolved?.kind !== 'definition') continue;
      const site = { file: file.path, offset: star.offset };
      this.chain(resolved, site, name);
      this.add(site, here, 'import', name);
      this.add(resolved.site, here, edgeKind(kind, resolved.bindingKind), name);
      return;
    }
  }

  /** definition -> each re-export or import it passed through -> `end`, as `import` edges. */
  private chain(
    resolved: Extract<Resolution, { kind: 'definition' }>,
    end: Site,
    symbol: string,
  ): void {
    let from = resolved.site;
    for (const step of [...resolved.via].reverse()) {
      this.add(from, step, 'import', symbol);
      from = step;
    }
    this.add(from, end, 'import', symbol);
  }

  private add(from: Site, to: Site, kind: EdgeKind, symbol: string): void {
    if (from.file === to.file && from.offset === to.offset) return;
    this.dependencies.push({ from, to, kind, symbol });
  }

  private resolveImport(file: FileSymbols, binding: Binding): Resolution | undefined {
    if (this.importCache.has(binding)) return this.importCache.get(binding);
    this.importCache.set(binding, undefined); // guards against import cycles
    const result = this.resolveSpec(
      file,
      binding.import!.source,
      binding.import!.imported,
      new Set(),
    );
    this.importCache.set(binding, result);
    return result;
  }

  private resolveSpec(
    file: FileSymbols,
    source: string,
    imported: string,
    seen: Set<string>,
  ): Resolution | undefined {
    const python = file.language === 'python';
    const target = this.modules.resolve(file.path, source);
    // Node hands a CommonJS module's exports object to a default import.
    const whole =
      imported === '*' ||
      (imported === 'default' &&
        target !== undefined &&
        this.byPath.get(target)?.commonJs === true);
    if (whole) return target ? { kind: 'namespace', file: target, via: [] } : undefined;
    const found = target ? this.resolveExport(target, imported, seen) : undefined;
    if (found || !python) return found;
    // `from pkg import mod` names a submodule when the package does not define `mod`.
    const submodule = this.modules.resolve(
      file.path,
      /^\.+$/.test(source) ? `${source}${imported}` : `${source}.${imported}`,
    );
    return submodule ? { kind: 'namespace', file: submodule, via: [] } : undefined;
  }

  /** What `name` exported by `path` really is, with the re-export and import sites on the way. */
  private resolveExport(path: string, name: string, seen: Set<string>): Resolution | undefined {
    const key = `${path}\0${name}`;
    const file = this.byPath.get(path);
    if (!file || seen.has(key)) return undefined;
    seen.add(key);
    const explicit = file.language === 'python' ? undefined : file.exports.get(name);
    if (explicit?.kind === 'location')
      return {
        kind: 'definition',
        site: { file: path, offset: explicit.offset },
        bindingKind: 'variable',
        via: [],
      };
    if (explicit?.kind === 'reexport')
      return prepend(
        { file: path, offset: explicit.offset },
        this.resolveSpec(file, explicit.source, explicit.imported, seen),
      );
    const localName =
      explicit?.kind === 'local' ? explicit.name : file.language === 'python' ? name : undefined;
    const binding = localName === undefined ? undefined : file.module.names.get(localName);
    if (binding?.import)
      return prepend(
        { file: path, offset: binding.offset },
        this.resolveSpec(file, binding.import.source, binding.import.imported, seen),
      );
    if (binding)
      return {
        kind: 'definition',
        site: { file: path, offset: declarationAt(binding, Infinity).offset },
        bindingKind: binding.kind,
        via: [],
        binding,
      };
    if (explicit?.kind === 'local')
      return {
        kind: 'definition',
        site: { file: path, offset: explicit.offset },
        bindingKind: 'variable',
        via: [],
      };
    if (name === 'default') return undefined;
    for (const star of file.starExports) {
      const found = prepend(
        { file: path, offset: star.offset },
        this.resolveSpec(file, star.source, name, seen),
      );
      if (found) return found;
    }
    return undefined;
  }
}

function prepend(site: Site, resolution: Resolution | undefined): Resolution | undefined {
  return resolution && { ...resolution, via: [site, ...resolution.via] };
}

/** Edge kind of a reference: how it uses the name, and for plain uses, what the name is. */
export function edgeKind(ref: ReferenceKind, def: BindingKind): EdgeKind {
  if (ref !== 'reference') return ref;
  return def === 'variable' || def === 'parameter' ? 'data' : 'reference';
}
