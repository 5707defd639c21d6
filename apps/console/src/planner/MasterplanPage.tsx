import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../api/client';
import { queries } from '../api/queries';
import { tenantScope } from '../auth/session';
import type { MasterPlanDocument, MasterplanView } from '../api/types';
import { inputClass, Section } from '../ui/Section';
import { ErrorNote, primaryButtonClass, StatusBadge } from '../ui/status';
import { PlanOutline, type Editing } from './PlanOutline';
import { domId, issuesByEntity, locate } from './plan-issues';

/**
 * Review of a plan the planner wrote: phases, milestones and tasks (editable until it starts), the
 * validator's errors (also at the task or milestone they name), the estimated cost, versions with
 * what changed between two; approve starts it once it validates and no edit is open.
 */
export function MasterplanPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const plan = useQuery({
    ...queries.masterplan(id),
    refetchInterval: (q) => (q.state.data?.status === 'planning' ? 1000 : false),
  });
  const approve = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/masterplan/{id}/approve', { params: { path: { id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['plans', tenantScope()] });
      void client.invalidateQueries({ queryKey: ['plan', tenantScope(), { id }] });
      navigate(`/plans/${id}`);
    },
  });
  const [editing, setEditing] = useState<Editing>(null);
  // The versions compared; a save compares the version before it with the new one.
  const [compare, setCompare] = useState<{ from?: number; to?: number }>({});
  const p = plan.data;
  const mp = p?.masterplan;
  const issues = useMemo(() => mp && issuesByEntity(mp.document, mp.validation), [mp]);

  return (
    <section aria-labelledby="masterplan-title" className="space-y-4">
      <h1 id="masterplan-title" className="text-2xl font-semibold">
        Review the plan{p ? `: ${p.name}` : ''}
      </h1>
      <ErrorNote error={plan.error} />
      {p && (
        <p className="flex flex-wrap items-center gap-2 text-sm" role="status">
          <StatusBadge status={p.status} />
          {p.status === 'planning' && <span>The planner is writing the plan…</span>}
          {p.discoveryId && (
            <Link href={`/discovery/${p.discoveryId}`} className="text-sky-800 underline">
              Its discovery
            </Link>
          )}
          {p.status !== 'planning' && p.status !== 'queued' && (
            <Link href={`/plans/${id}`} className="text-sky-800 underline">
              The plan's progress
            </Link>
          )}
        </p>
      )}
      {p?.error && <ErrorNote error={`Planning failed: ${p.error}`} />}
      {p && !mp && p.status !== 'planning' && (
        <p className="text-sm">This plan was submitted as written: the planner did not write it.</p>
      )}
      {mp && (
        <>
          <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="estimate">
            <Figure label="Version" value={String(mp.version)} />
            <Figure label="Tasks" value={String(mp.document.tasks.length)} />
            <Figure label="Estimated tokens" value={mp.estimate.tokens.toLocaleString('en')} />
            <Figure label="Estimated cost" value={`$${mp.estimate.dollars.toFixed(4)}`} />
          </dl>
          <Section id="validation" title="Validation">
            {mp.validation.valid ? (
              <p className="text-sm text-emerald-800" data-testid="validation-ok">
                The plan validates; {mp.validation.coverage.requirements.covered} of{' '}
                {mp.validation.coverage.requirements.total} requirements covered.
              </p>
            ) : (
              <ul className="space-y-1 text-sm text-red-900" data-testid="validation-errors">
                {mp.validation.errors.map((e) => (
                  <li key={`${e.code}@${e.path}`}>
                    <code>{e.code}</code> at <code>{e.path || 'the plan'}</code>
                    <Where document={mp.document} path={e.path} />: {e.message}
                  </li>
                ))}
              </ul>
            )}
            {mp.validation.warnings.length > 0 && (
              <ul className="mt-2 space-y-1 text-sm text-amber-900">
                {mp.validation.warnings.map((e) => (
                  <li key={`${e.code}@${e.path}`}>
                    Warning <code>{e.code}</code> at <code>{e.path || 'the plan'}</code>
                    <Where document={mp.document} path={e.path} />: {e.message}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <PlanOutline
            planId={id}
            document={mp.document}
            issues={issues!}
            editable={p.status === 'queued'}
            editing={editing}
            setEditing={setEditing}
            onSaved={(version) => setCompare({ from: mp.version, to: version })}
          />
          <Versions id={id} versions={p.versions} compare={compare} setCompare={setCompare} />
          {p.status === 'queued' && (
            <div className="space-y-2">
              <ErrorNote error={approve.error} />
              <button
                type="button"
                className={primaryButtonClass}
                disabled={approve.isPending || !mp.validation.valid || editing !== null}
                onClick={() => approve.mutate()}
              >
                {approve.isPending ? 'Starting…' : 'Approve and start'}
              </button>
              {!mp.validation.valid ? (
                <p className="text-sm">Fix the validation errors before approving.</p>
              ) : (
                editing && <p className="text-sm">Save or cancel the open edit before approving.</p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** ` (task loans)`, linked to the task or milestone in the outline, for a path that names one. */
function Where({ document, path }: { document: MasterPlanDocument; path: string }) {
  const at = locate(document, path);
  if (!at) return null;
  const kind = at.kind === 'tasks' ? 'task' : 'milestone';
  return (
    <>
      {' '}
      (
      <a href={`#${domId(kind, at.id)}`} className="text-sky-800 underline">
        {kind} {at.id}
      </a>
      )
    </>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-2">
      <dt className="text-slate-600">{label}</dt>
      <dd className="font-semibold">{value}</dd>
    </div>
  );
}

/** The plan's versions and what changed between two of them. */
function Versions({
  id,
  versions,
  compare,
  setCompare,
}: {
  id: string;
  versions: MasterplanView['versions'];
  compare: { from?: number; to?: number };
  setCompare: (c: { from?: number; to?: number }) => void;
}) {
  const numbers = versions.map((v) => v.version);
  const a = compare.from ?? numbers[0] ?? 1;
  const b = compare.to ?? numbers[numbers.length - 1] ?? 1;
  const setFrom = (from: number) => setCompare({ ...compare, from });
  const setTo = (to: number) => setCompare({ ...compare, to });
  const diff = useQuery({ ...queries.masterplanDiff(id, a, b), enabled: numbers.length > 1 });
  const pick = (label: string, htmlId: string, value: number, set: (n: number) => void) => (
    <div>
      <label htmlFor={htmlId} className="mr-2 text-sm font-medium">
        {label}
      </label>
      <select
        id={htmlId}
        value={value}
        onChange={(e) => set(Number(e.target.value))}
        className={inputClass}
      >
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {v.version} ({new Date(v.createdAt).toLocaleString('en')})
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <Section id="versions" title={`Versions (${versions.length})`}>
      {numbers.length < 2 ? (
        <p className="text-sm">One version so far: edits and repairs add more.</p>
      ) : (
        <div className="space-y-2">
          <div className="flex flex-wrap gap-4">
            {pick('From version', 'diff-from', a, setFrom)}
            {pick('To version', 'diff-to', b, setTo)}
          </div>
          <ErrorNote error={diff.error} />
          {diff.data && (
            <ul className="text-sm" data-testid="version-diff">
              {(['tasks', 'milestones'] as const).map((what) => {
                const d = diff.data.diff[what];
                return (
                  <li key={what}>
                    <strong>{what}</strong>: {d.added.length ? `added ${d.added.join(', ')}; ` : ''}
                    {d.removed.length ? `removed ${d.removed.join(', ')}; ` : ''}
                    {d.changed.map((c) => `${c.id} changed (${c.fields.join(', ')})`).join('; ')}
                    {!d.added.length && !d.removed.length && !d.changed.length && 'no change'}
                  </li>
                );
              })}
              <li>
                <strong>tests</strong>:{' '}
                {diff.data.diff.tests.added.length || diff.data.diff.tests.removed.length
                  ? `added ${diff.data.diff.tests.added.join(', ') || 'none'}; removed ${diff.data.diff.tests.removed.join(', ') || 'none'}`
                  : 'no change'}
              </li>
            </ul>
          )}
        </div>
      )}
    </Section>
  );
}
