import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { queries } from '../api/queries';
import type { DependencyGraph } from '../api/types';
import { hasGraph } from '../plan/has-graph';
import { StatusBadge } from '../ui/status';

/** The atom's prerequisites (what it uses) and dependents (what uses it), as links. */
export function AtomNeighbours({ atomId, planId }: { atomId: string; planId: string }) {
  const plan = useQuery(queries.plan(planId));
  const graph = useQuery({ ...queries.graph(planId), enabled: hasGraph(plan.data) });
  if (!graph.data) return null;
  const g = graph.data;
  const byId = new Map(g.atoms.map((a) => [a.id, a]));
  const ends = (pick: (e: DependencyGraph['edges'][number]) => string | undefined) => [
    ...new Set(g.edges.map(pick).filter((id): id is string => id !== undefined)),
  ];
  const prerequisites = ends((e) => (e.to === atomId ? e.from : undefined));
  const dependents = ends((e) => (e.from === atomId ? e.to : undefined));
  const list = (title: string, htmlId: string, ids: string[], none: string) => (
    <section aria-labelledby={htmlId}>
      <h3 id={htmlId} className="mb-1 font-medium">
        {title} ({ids.length})
      </h3>
      {ids.length === 0 ? (
        <p className="text-slate-700">{none}</p>
      ) : (
        <ul className="space-y-1" data-testid={htmlId}>
          {ids.map((id) => {
            const a = byId.get(id);
            return (
              <li key={id} className="flex items-center gap-2">
                <Link href={`/atoms/${id}`} className="text-sky-800 underline">
                  {a ? `${a.file}: ${a.name}` : id}
                </Link>
                {a && <StatusBadge status={a.status} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
  return (
    <section aria-labelledby="neighbours-title" className="text-sm">
      <h2 id="neighbours-title" className="mb-2 text-lg font-semibold">
        Dependencies
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">
        {list('Prerequisites', 'prerequisites', prerequisites, 'None: it uses no other atom.')}
        {list('Dependents', 'dependents', dependents, 'None: no other atom uses it.')}
      </div>
    </section>
  );
}
