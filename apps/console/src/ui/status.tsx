import type { AtomStatus, PlanStatus } from '@mge/core/domain';

/** One colour per status (light fill, dark text: AA contrast), shared by badges and graph nodes. */
export const STATUS_COLORS: Record<
  PlanStatus | AtomStatus,
  { fill: string; text: string; border: string }
> = {
  planning: { fill: '#f5f3ff', text: '#5b21b6', border: '#a78bfa' },
  drafting: { fill: '#f5f3ff', text: '#5b21b6', border: '#a78bfa' },
  queued: { fill: '#f1f5f9', text: '#334155', border: '#94a3b8' },
  pending: { fill: '#f1f5f9', text: '#334155', border: '#94a3b8' },
  ready: { fill: '#e0f2fe', text: '#075985', border: '#38bdf8' },
  atomizing: { fill: '#e0f2fe', text: '#075985', border: '#38bdf8' },
  graphing: { fill: '#e0f2fe', text: '#075985', border: '#38bdf8' },
  running: { fill: '#fef3c7', text: '#92400e', border: '#f59e0b' },
  generating: { fill: '#fef3c7', text: '#92400e', border: '#f59e0b' },
  validating: { fill: '#fef3c7', text: '#92400e', border: '#f59e0b' },
  validated: { fill: '#d1fae5', text: '#065f46', border: '#10b981' },
  completed: { fill: '#d1fae5', text: '#065f46', border: '#10b981' },
  failed: { fill: '#fee2e2', text: '#991b1b', border: '#ef4444' },
  blocked: { fill: '#ede9fe', text: '#5b21b6', border: '#8b5cf6' },
  needs_review: { fill: '#ffedd5', text: '#9a3412', border: '#f97316' },
  paused: { fill: '#e2e8f0', text: '#1e293b', border: '#64748b' },
  cancelled: { fill: '#e2e8f0', text: '#1e293b', border: '#64748b' },
};

export function StatusBadge({ status }: { status: PlanStatus | AtomStatus }) {
  const c = STATUS_COLORS[status] ?? STATUS_COLORS.pending;
  return (
    <span
      data-testid="status"
      className="inline-block rounded px-2 py-0.5 text-xs font-medium"
      style={{ background: c.fill, color: c.text }}
    >
      {status.replace('_', ' ')}
    </span>
  );
}

/** "3 min ago" from an ISO date. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900">
      {error instanceof Error
        ? error.message
        : typeof error === 'string'
          ? error
          : 'Something went wrong.'}
    </p>
  );
}

export const buttonClass =
  'rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-50';
export const primaryButtonClass =
  'rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-50';
