import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import type { Calibration } from '../api/types';
import { cellClass, Section, Table } from '../ui/Section';
import { ErrorNote } from '../ui/status';
import { Figure } from './UsageSection';

const SERIES = [
  { key: 'formula', label: 'Formula', color: '#475569', dash: '4 3' },
  { key: 'learned', label: 'Learned (out of fold)', color: '#0369a1', dash: undefined },
] as const;

const brier = (c: Calibration) => (c.brier === null ? '–' : c.brier.toFixed(3));

/**
 * Confidence that learns: how many low-confidence atoms reviewers decided, which scorer is in
 * use, both scorers' Brier scores and a reliability plot (predicted against observed).
 */
export function ConfidenceSection() {
  const report = useQuery(queries.confidence());
  const r = report.data;
  return (
    <Section id="confidence" title="Confidence">
      <ErrorNote error={report.error} />
      {r && (
        <>
          <p className="mb-3 text-sm text-slate-700">
            {r.scorer === 'learned'
              ? `Scoring with a model fitted to ${r.decisions} review decisions (the formula as its prior, worth ${r.priorStrength} decisions).`
              : `Scoring with the formula: the model takes over at ${r.minDecisions} review decisions of low-confidence atoms (${r.decisions} so far).`}
          </p>
          <dl
            className="mb-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4"
            data-testid="confidence"
          >
            <Figure label="Decisions" value={String(r.decisions)} />
            <Figure label="Approved as they were" value={String(r.approved)} />
            <Figure label="Brier, formula" value={brier(r.calibration.formula)} />
            <Figure label="Brier, learned" value={brier(r.calibration.learned)} />
          </dl>
          <ReliabilityPlot calibration={r.calibration} />
          {r.learned && (
            <details className="mt-3 text-sm">
              <summary className="cursor-pointer text-sky-800 underline">Model weights</summary>
              <Table testId="confidence-weights" columns={['Feature', 'Formula prior', 'Learned']}>
                {r.features.map((f, i) => (
                  <tr key={f} className="border-t border-slate-200">
                    <td className={cellClass}>{f}</td>
                    <td className={`${cellClass} tabular-nums`}>{r.prior[i]!.toFixed(2)}</td>
                    <td className={`${cellClass} tabular-nums`}>{r.learned![i]!.toFixed(2)}</td>
                  </tr>
                ))}
              </Table>
            </details>
          )}
        </>
      )}
    </Section>
  );
}

/** Predicted confidence (x) against the share approved (y), per bin; the diagonal is perfect. */
function ReliabilityPlot({
  calibration,
}: {
  calibration: Record<'formula' | 'learned', Calibration>;
}) {
  const size = 220;
  const pad = 30;
  const scale = (v: number) => pad + v * (size - 2 * pad);
  const y = (v: number) => size - scale(v);
  const description = SERIES.map((s) => {
    const points = calibration[s.key].bins
      .filter((b) => b.count > 0)
      .map(
        (b) =>
          `${b.meanPredicted!.toFixed(2)} predicted, ${b.observed!.toFixed(2)} approved (${b.count})`,
      );
    return `${s.label}: ${points.join('; ') || 'no decisions'}`;
  }).join('. ');
  return (
    <figure className="flex flex-wrap items-start gap-4">
      <svg
        width={size}
        height={size}
        role="img"
        aria-label={`Reliability plot. ${description}`}
        data-testid="reliability-plot"
        className="rounded border border-slate-200 bg-white"
      >
        <line x1={scale(0)} y1={y(0)} x2={scale(1)} y2={y(1)} stroke="#cbd5e1" />
        <line x1={scale(0)} y1={y(0)} x2={scale(1)} y2={y(0)} stroke="#334155" />
        <line x1={scale(0)} y1={y(0)} x2={scale(0)} y2={y(1)} stroke="#334155" />
        {[0, 0.5, 1].map((t) => (
          <g key={t} fontSize="10" fill="#334155">
            <text x={scale(t)} y={y(0) + 14} textAnchor="middle">
              {t}
            </text>
            <text x={scale(0) - 6} y={y(t) + 3} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {SERIES.map((s) => {
          const points = calibration[s.key].bins.filter((b) => b.count > 0);
          return (
            <g key={s.key}>
              <polyline
                fill="none"
                stroke={s.color}
                strokeDasharray={s.dash}
                points={points.map((b) => `${scale(b.meanPredicted!)},${y(b.observed!)}`).join(' ')}
              />
              {points.map((b) => (
                <circle
                  key={b.from}
                  cx={scale(b.meanPredicted!)}
                  cy={y(b.observed!)}
                  r={3}
                  fill={s.color}
                />
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="max-w-xs text-xs text-slate-700">
        Predicted confidence (across) against the share of those atoms reviewers approved (up), per
        fifth; the diagonal is a perfectly calibrated score.
        <ul className="mt-2 space-y-1">
          {SERIES.map((s) => (
            <li key={s.key} className="flex items-center gap-2">
              <svg width="24" height="6" aria-hidden="true">
                <line
                  x1="0"
                  y1="3"
                  x2="24"
                  y2="3"
                  stroke={s.color}
                  strokeWidth="2"
                  strokeDasharray={s.dash}
                />
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
