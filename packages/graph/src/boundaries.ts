import path from 'node:path';

/** A file: validated as one module (L2) once all its atoms are. */
export interface ModuleBoundary {
  file: string;
  atomIds: string[];
  /** Other files this one's atoms depend on. */
  dependsOn: string[];
}

/** A directory: the files type-checked together (L3). */
export interface ComponentBoundary {
  directory: string;
  files: string[];
  /** Other directories this one's atoms depend on. */
  dependsOn: string[];
}

export interface Boundaries {
  modules: ModuleBoundary[];
  components: ComponentBoundary[];
}

/**
 * Groups atoms by file and directory and lifts atom edges to edges between those groups. Edges
 * are positions in the files' atoms taken in order (parallel `from` / `to` arrays).
 */
export function boundaries(
  files: readonly { path: string; atomIds: readonly string[] }[],
  from: readonly number[],
  to: readonly number[],
): Boundaries {
  const fileOfAtom = files.flatMap((file, f) => file.atomIds.map(() => f));
  const modules = files.map((file) => ({
    file: file.path,
    atomIds: [...file.atomIds],
    dependsOn: new Set<string>(),
  }));
  const directories = files.map((file) => directoryOf(file.path));
  const components = new Map<string, { files: string[]; dependsOn: Set<string> }>();
  files.forEach((file, f) => {
    if (file.atomIds.length === 0) return;
    const dir = directories[f]!;
    const entry = components.get(dir) ?? { files: [], dependsOn: new Set<string>() };
    entry.files.push(file.path);
    components.set(dir, entry);
  });
  for (let i = 0; i < from.length; i++) {
    const a = fileOfAtom[from[i]!]!;
    const b = fileOfAtom[to[i]!]!;
    if (a === b) continue;
    modules[b]!.dependsOn.add(files[a]!.path);
    const da = directories[a]!;
    const db = directories[b]!;
    if (da !== db) components.get(db)!.dependsOn.add(da);
  }
  return {
    modules: modules
      .filter((m) => m.atomIds.length > 0)
      .map((m) => ({ ...m, dependsOn: [...m.dependsOn].sort() })),
    components: [...components].map(([directory, c]) => ({
      directory,
      files: c.files,
      dependsOn: [...c.dependsOn].sort(),
    })),
  };
}

function directoryOf(file: string): string {
  return path.posix.dirname(file.replace(/\\/g, '/'));
}
