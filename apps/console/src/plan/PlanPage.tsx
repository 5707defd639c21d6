import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../api/client';
import { keys } from '../api/keys';
import { pollInterval, useLiveProgress } from '../api/live';
import { queries } from '../api/queries';
import { ATOM_STATUSES, FINAL_PLAN_STATUSES, type AtomStatus } from '@mge/core/domain';
import type { PlanView } from '../api/types';
import { tenantScope } from '../auth/session';
import { age, buttonClass, ErrorNote, StatusBadge } from '../ui/status';
import { DagView } from './DagView';
import { OutputFiles } from './OutputFiles';
import { PlanCharts } from './PlanCharts';
import { StageProgress } from './StageProgress';
import { hasGraph } from './has-graph';

/** One plan, live: stages, atoms by status, the dependency graph, and cancel / pause / resume. */
export function PlanPage({ id }: { id: string }) {
  const live = useLiveProgress(id);
  const plan = useQuery({
    ...queries.plan(id),
    refetchInterval: (q) => pollInterval(q.state.data?.status, live.connected),
  });
  const status = plan.data?.status;
  const graphed = hasGraph(plan.data);
  const poll = pollInterval(status, live.connected);
  const atoms = useQuery({ ...queries.atoms(id), enabled: graphed, refetchInterval: poll });
  const graph = useQuery({ ...queries.graph(id), enabled: graphed });
  const waves = useQuery({ ...queries.waves(id), enabled: graphed, refetchInterval: poll });

  const atomStatus = (atomId: string): AtomStatus =>
    live.atomStatus.get(atomId) ??
    atoms.data?.find((a) => a.id === atomId)?.status ??
    graph.data?.atoms.find((a) => a.id === atomId)?.status ??
    'pending';

  if (plan.error) return <ErrorNote error={plan.error} />;
  if (!plan.data) return <p>Loading…</p>;
  const p = plan.data;
  const byStatus = ATOM_STATUSES.map((s) => ({
    status: s,
    atoms: (atoms.data ?? []).filter((a) => atomStatus(a.id) === s),
  })).filter((g) => g.atoms.length > 0);

  return (
    <article aria-labelledby="plan-title" className="space-y-6">
      <header className="flex flex-wrap items-center gap-3">
        <h1 id="plan-title" className="text-2xl font-semibold">
          {p.name}
        </h1>
        <StatusBadge status={p.status} />
        <span className="text-sm text-slate-700">
          {p.language} · mode {p.mode} · submitted {age(p.createdAt)}
          {live.spent &&
            ` · spent $${live.spent.dollars.toFixed(4)} (${live.spent.tokens} tokens${live.spent.simulated ? ', simulated' : ''})`}
        </span>
        <span className="text-xs text-slate-600" data-testid="live">
          {live.connected ? '● live' : '○ polling'}
        </span>
        <Controls plan={p} />
      </header>
      {p.error && <ErrorNote error={p.error} />}
      <StageProgress progress={p.progress} />
      <nav aria-label="Plan pages" className="flex gap-2">
        <Link href={`/plans/${id}/review`} className={buttonClass}>
          Review queue
        </Link>
        <Link href={`/plans/${id}/masterplan`} className={buttonClass}>
          MasterPlan and versions
        </Link>
      </nav>
      {graph.data && (
        <section aria-labelledby="graph-title">
          <h2 id="graph-title" className="mb-2 text-lg font-semibold">
            Dependency graph{' '}
            <span className="text-sm font-normal text-slate-700">
              {graph.data.atomCount} atoms · {graph.data.edgeCount} edges ·{' '}
              {waves.data?.waves.length ?? graph.data.waveCount} waves · critical path{' '}
              {graph.data.criticalPath.length}
            </span>
          </h2>
          <DagView graph={graph.data} status={atomStatus} />
        </section>
      )}
      <PlanCharts planId={id} poll={poll} />
      {p.outputDir && <OutputFiles planId={id} />}
      {byStatus.length > 0 && (
        <section aria-labelledby="atoms-title">
          <h2 id="atoms-title" className="mb-2 text-lg font-semibold">
            Atoms by status
          </h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {byStatus.map((g) => (
              <div
                key={g.status}
                className="rounded border border-slate-200 bg-white p-3"
                data-testid={`atoms-${g.status}`}
              >
                <h3 className="mb-2 flex items-center gap-2 font-medium">
                  <StatusBadge status={g.status} /> {g.atoms.length}
                </h3>
                <ul className="max-h-64 space-y-1 overflow-auto text-sm">
                  {g.atoms.map((a) => (
                    <li key={a.id}>
                      <Link href={`/atoms/${a.id}`} className="text-sky-800 underline">
                        {a.file}: {a.name}
                      </Link>
                      {a.attempt > 1 && (
                        <span className="text-slate-600"> · attempt {a.attempt}</span>
                      )}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </section>
      )}
    </article>
  );
}

/** Cancel, pause and resume, each offered when the plan's status allows it. */
function Controls({ plan }: { plan: PlanView }) {
  const client = useQueryClient();
  const action = useMutation({
    mutationFn: (verb: 'cancel' | 'pause' | 'resume') =>
      unwrap<PlanView>(
        api.POST(`/api/v2/plans/{id}/${verb}`, { params: { path: { id: plan.id } } }),
      ),
    onSuccess: (view) => {
      client.setQueryData(keys.plan(tenantScope(), plan.id), view);
      void client.invalidateQueries({ queryKey: ['plans', tenantScope()] });
    },
  });
  const settled = FINAL_PLAN_STATUSES.includes(plan.status);
  return (
    <div className="ml-auto flex gap-2">
      {plan.status === 'paused' ? (
        <button
          type="button"
          className={buttonClass}
          onClick={() => action.mutate('resume')}
          disabled={action.isPending}
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          className={buttonClass}
          onClick={() => action.mutate('pause')}
          disabled={settled || action.isPending}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        className={buttonClass}
        onClick={() => action.mutate('cancel')}
        disabled={settled || action.isPending}
      >
        Cancel
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}
