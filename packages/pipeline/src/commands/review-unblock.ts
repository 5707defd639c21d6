/** An atom as the unblocking decision sees it. */
export interface GraphAtom {
  id: string;
  status: string;
  cycleGroup: number | null;
}

/**
 * After a review resolved a failed atom (approved, edited or sent back to generation), which
 * blocked atoms may run again: those with no failed atom among their transitive prerequisites.
 * Each comes with its open-prerequisite count (distinct prerequisites outside its own cycle group
 * that are not validated), the same rule the graph stage used when it first scheduled the plan.
 */
export function atomsToUnblock(
  atoms: readonly GraphAtom[],
  edges: readonly { from: string; to: string }[],
): { id: string; pending: number }[] {
  const byId = new Map(atoms.map((a) => [a.id, a]));
  const prerequisites = new Map<string, Set<string>>();
  for (const e of edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (!from || !to || from.id === to.id) continue;
    const set = prerequisites.get(to.id) ?? new Set<string>();
    set.add(from.id);
    prerequisites.set(to.id, set);
  }
  // Memoized walk up the prerequisites: does a failed atom lie upstream?
  const tainted = new Map<string, boolean>();
  const hasFailedUpstream = (id: string, path: Set<string>): boolean => {
    const known = tainted.get(id);
    if (known !== undefined) return known;
    if (path.has(id)) return false; // a cycle group: its members share their fate
    path.add(id);
    let result = false;
    for (const p of prerequisites.get(id) ?? []) {
      if (byId.get(p)?.status === 'failed' || hasFailedUpstream(p, path)) {
        result = true;
        break;
      }
    }
    path.delete(id);
    tainted.set(id, result);
    return result;
  };
  return atoms
    .filter((a) => a.status === 'blocked' && !hasFailedUpstream(a.id, new Set()))
    .map((a) => ({
      id: a.id,
      pending: [...(prerequisites.get(a.id) ?? [])].filter((p) => {
        const prerequisite = byId.get(p)!;
        const sameGroup = a.cycleGroup !== null && prerequisite.cycleGroup === a.cycleGroup;
        return !sameGroup && prerequisite.status !== 'validated';
      }).length,
    }));
}
