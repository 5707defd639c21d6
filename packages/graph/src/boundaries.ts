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

/** Groups atoms by file and directory and lifts atom edges to edges between those groups. */
export function boundaries(
  atoms: readonly { id: string; file: string }[],
  edges: readonly { from: string; to: string }[],
): Boundaries {
  const fileOf = new Map(atoms.map((a) => [a.id, a.file]));
  const modules = new Map<string, { atomIds: string[]; dependsOn: Set<string> }>();
  for (const atom of atoms) {
    const entry = modules.get(atom.file) ?? { atomIds: [], dependsOn: new Set<string>() };
    entry.atomIds.push(atom.id);
    modules.set(atom.file, entry);
  }
  const components = new Map<string, { files: string[]; dependsOn: Set<string> }>();
  for (const file of modules.keys()) {
    const dir = directoryOf(file);
    const entry = components.get(dir) ?? { files: [], dependsOn: new Set<string>() };
    entry.files.push(file);
    components.set(dir, entry);
  }
  for (const edge of edges) {
    const a = fileOf.get(edge.from);
    const b = fileOf.get(edge.to);
    if (a === undefined || b === undefined || a === b) continue;
    modules.get(b)!.dependsOn.add(a);
    const da = directoryOf(a);
    const db = directoryOf(b);
    if (da !== db) components.get(db)!.dependsOn.add(da);
  }
  return {
    modules: [...modules].map(([file, m]) => ({
      file,
      atomIds: m.atomIds,
      dependsOn: [...m.dependsOn].sort(),
    })),
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
