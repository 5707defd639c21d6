import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { queries } from '../api/queries';
import { PLAN_MODES, type PlanMode } from '@mge/core/domain';
import type { ModeFigures } from '../api/types';
import { cellClass, inputClass, Section } from '../ui/Section';
import { ErrorNote, primaryButtonClass } from '../ui/status';

const ROWS: { label: string; value: (f: ModeFigures) => string }[] = [
  { label: 'Plans', value: (f) => String(f.plans) },
  { label: 'Completed', value: (f) => String(f.completed) },
  { label: 'Failed', value: (f) => String(f.failed) },
  { label: 'Needs review', value: (f) => String(f.needsReview) },
  {
    label: 'Success rate',
    value: (f) => (f.successRate === null ? '–' : `${(f.successRate * 100).toFixed(0)}%`),
  },
  {
    label: 'Median time',
    value: (f) =>
      f.medianDurationMs === null ? '–' : `${(f.medianDurationMs / 1000).toFixed(1)} s`,
  },
  {
    label: 'Cost per plan',
    value: (f) => (f.dollarsPerPlan === null ? '–' : `$${f.dollarsPerPlan.toFixed(4)}`),
  },
  {
    label: 'Tokens per plan',
    value: (f) => (f.tokensPerPlan === null ? '–' : Math.round(f.tokensPerPlan).toLocaleString()),
  },
];

/** The dual-mode switch (default mode, v2 rollout) with both modes' figures side by side. */
export function ModeSection() {
  const client = useQueryClient();
  const mode = useQuery(queries.mode());
  const [draft, setDraft] = useState<{ defaultMode: PlanMode; rollout: string }>();
  const save = useMutation({
    mutationFn: (body: { defaultMode: PlanMode; rolloutPercent: number | null }) =>
      unwrap(api.POST('/api/v2/mode', { body })),
    onSuccess: () => setDraft(undefined),
    onSettled: () => client.invalidateQueries({ queryKey: queries.mode().queryKey }),
  });
  const setting = mode.data?.setting;
  const form = draft ?? {
    defaultMode: setting?.defaultMode ?? 'v2',
    rollout: setting?.rolloutPercent === null || !setting ? '' : String(setting.rolloutPercent),
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      defaultMode: form.defaultMode,
      rolloutPercent: form.rollout.trim() === '' ? null : Number(form.rollout),
    });
  };
  const stats = mode.data?.stats;

  return (
    <Section id="mode" title="Mode and rollout">
      <ErrorNote error={mode.error} />
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="Mode setting">
        <div>
          <label htmlFor="default-mode" className="mb-1 block text-sm font-medium">
            Default mode
          </label>
          <select
            id="default-mode"
            value={form.defaultMode}
            onChange={(e) => setDraft({ ...form, defaultMode: e.target.value as PlanMode })}
            className={inputClass}
          >
            {PLAN_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="rollout" className="mb-1 block text-sm font-medium">
            Plans drawn into v2 (%)
          </label>
          <input
            id="rollout"
            type="number"
            min={0}
            max={100}
            placeholder="no rollout"
            value={form.rollout}
            onChange={(e) => setDraft({ ...form, rollout: e.target.value })}
            aria-describedby="rollout-hint"
            className={`${inputClass} w-32`}
          />
        </div>
        <button type="submit" disabled={!draft || save.isPending} className={primaryButtonClass}>
          Save
        </button>
        <p id="rollout-hint" className="w-full text-xs text-slate-700">
          Empty: no rollout, the default decides. A plan's own mode and a tenant override win.
          {setting?.tenantOverride ? ` This tenant is pinned to ${setting.tenantOverride}.` : ''}
        </p>
      </form>
      <ErrorNote error={save.error} />
      {stats && (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="mode-stats">
            <caption className="mb-1 text-left text-sm text-slate-700">
              {stats.scope === 'all-tenants' ? 'Every tenant' : 'This tenant'}
              {stats.simulated ? ' · includes simulated figures (the sim provider)' : ''}
            </caption>
            <thead className="bg-slate-100 text-slate-700">
              <tr>
                <th scope="col" className={cellClass}>
                  <span className="sr-only">Figure</span>
                </th>
                {PLAN_MODES.map((m) => (
                  <th key={m} scope="col" className={cellClass}>
                    {m}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ROWS.map((row) => (
                <tr key={row.label} className="border-t border-slate-200">
                  <th scope="row" className={`${cellClass} font-normal text-slate-700`}>
                    {row.label}
                  </th>
                  {PLAN_MODES.map((m) => (
                    <td key={m} className={`${cellClass} tabular-nums`}>
                      {row.value(stats.modes[m])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
