import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { queries } from '../api/queries';
import {
  PLAN_MODES,
  PLAN_STATUSES,
  TERMINAL_PLAN_STATUSES,
  type PlanMode,
  type PlanStatus,
} from '@mge/core/domain';
import type { PlanListEntry } from '../api/types';
import { age, buttonClass, ErrorNote, StatusBadge } from '../ui/status';

/** Still moving on its own (a paused plan waits for someone): the list polls while one is. */
const inProgress = (status: PlanStatus): boolean =>
  status !== 'paused' && !TERMINAL_PLAN_STATUSES.includes(status);

/**
 * The tenant's plans, newest first, with mode and spend: status and mode filters and keyset paging
 * (`?limit&cursor`).
 */
export function PlansPage() {
  const [status, setStatus] = useState<PlanStatus | ''>('');
  const [mode, setMode] = useState<PlanMode | ''>('');
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const plans = useQuery({
    ...queries.plans({
      ...(status ? { status } : {}),
      ...(mode ? { mode } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((p) => inProgress(p.status)) ? 3000 : false),
  });

  return (
    <section aria-labelledby="plans-title">
      <div className="mb-4 flex flex-wrap items-end gap-4">
        <h1 id="plans-title" className="text-2xl font-semibold">
          Plans
        </h1>
        <div>
          <label htmlFor="status-filter" className="mr-2 text-sm font-medium">
            Status
          </label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as PlanStatus | '');
              setCursors([undefined]);
            }}
            className="rounded border border-slate-400 bg-white px-2 py-1 text-sm"
          >
            <option value="">any</option>
            {PLAN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="mode-filter" className="mr-2 text-sm font-medium">
            Mode
          </label>
          <select
            id="mode-filter"
            value={mode}
            onChange={(e) => {
              setMode(e.target.value as PlanMode | '');
              setCursors([undefined]);
            }}
            className="rounded border border-slate-400 bg-white px-2 py-1 text-sm"
          >
            <option value="">any</option>
            {PLAN_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <Link href="/plans/new" className={`${buttonClass} ml-auto`}>
          Submit a plan
        </Link>
      </div>
      <ErrorNote error={plans.error} />
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                Plan
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Mode
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Cost
              </th>
              <th scope="col" className="px-3 py-2">
                Language
              </th>
              <th scope="col" className="px-3 py-2">
                Submitted
              </th>
              <th scope="col" className="px-3 py-2">
                Finished
              </th>
            </tr>
          </thead>
          <tbody data-testid="plans">
            {plans.data?.items.map((p) => (
              <tr key={p.id} className="border-t border-slate-200">
                <td className="px-3 py-2">
                  <Link href={`/plans/${p.id}`} className="font-medium text-sky-800 underline">
                    {p.name}
                  </Link>
                  {p.error && (
                    <div className="max-w-md truncate text-xs text-red-800">{p.error}</div>
                  )}
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={p.status} />
                </td>
                <td className="px-3 py-2">{p.mode}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  <Spend plan={p} />
                </td>
                <td className="px-3 py-2">{p.language}</td>
                <td className="px-3 py-2" title={p.createdAt}>
                  {age(p.createdAt)}
                </td>
                <td className="px-3 py-2">{p.completedAt ? age(p.completedAt) : '–'}</td>
              </tr>
            ))}
            {plans.data?.items.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-6 text-center text-slate-600">
                  No plans{status ? ` with status ${status}` : ''}
                  {mode ? ` in mode ${mode}` : ''} yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="mt-3 flex gap-2">
        <button
          type="button"
          className={buttonClass}
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className={buttonClass}
          disabled={!plans.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, plans.data!.nextCursor!])}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

/** Dollars and tokens a plan spent; simulated figures say so. */
function Spend({ plan }: { plan: PlanListEntry }) {
  return (
    <span title={`${plan.spentTokens.toLocaleString()} tokens`}>
      ${plan.spentDollars.toFixed(4)}
      {plan.simulated && <span className="ml-1 text-xs text-slate-700">(simulated)</span>}
      <span className="block text-xs text-slate-700">
        {plan.spentTokens.toLocaleString()} tokens
      </span>
    </span>
  );
}
