import type { PlanView } from '../api/types';

const STAGES = [
  ['atomize', 'Atomize'],
  ['graph', 'Graph'],
  ['generate', 'Generate'],
  ['validate', 'Validate'],
] as const;

/** One bar per pipeline stage: done (green), failed (red) of its total (validate counts a failed run as done). */
export function StageProgress({ progress }: { progress: PlanView['progress'] }) {
  return (
    <ol aria-label="Stages" className="grid gap-3 sm:grid-cols-4">
      {STAGES.map(([key, label]) => {
        const s = progress[key];
        const pct = (n: number) => (s.total ? (100 * n) / s.total : 0);
        return (
          <li
            key={key}
            className="rounded border border-slate-200 bg-white p-3"
            data-testid={`stage-${key}`}
          >
            <div className="mb-1 flex justify-between text-sm">
              <span className="font-medium">{label}</span>
              <span className="text-slate-700">
                {s.done}/{s.total}
                {s.failed > 0 && ` · ${s.failed} failed`}
                {s.running ? ` · ${s.running} running` : ''}
              </span>
            </div>
            <div
              role="progressbar"
              aria-label={`${label} progress`}
              aria-valuemin={0}
              aria-valuemax={s.total}
              aria-valuenow={s.done}
              className="flex h-2 overflow-hidden rounded bg-slate-200"
            >
              <div
                className="bg-emerald-600"
                style={{ width: `${pct(Math.min(s.done, s.total - s.failed))}%` }}
              />
              <div className="bg-red-600" style={{ width: `${pct(s.failed)}%` }} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}
