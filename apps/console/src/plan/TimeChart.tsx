import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TimeSeries {
  label: string;
  color: string;
  values: number[];
  /** Drawn against the right-hand axis. */
  right?: boolean;
}

/**
 * uPlot's data, one point per instant: points at the same millisecond (atoms settled together)
 * keep the last values, so a cumulative line does not double back on itself.
 */
function lastPerInstant(times: number[], series: TimeSeries[]): uPlot.AlignedData {
  const keep = times.map((t, i) => i === times.length - 1 || times[i + 1] !== t);
  const pick = (values: number[]) => values.filter((_, i) => keep[i]);
  return [pick(times).map((t) => t / 1000), ...series.map((s) => pick(s.values))];
}

/** A uPlot line chart over time (`times` in ms); the figure's caption describes it in words. */
export function TimeChart({
  title,
  summary,
  times,
  series,
  testId,
}: {
  title: string;
  summary: string;
  times: number[];
  series: TimeSeries[];
  testId: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const right = series.find((s) => s.right);
    const leftLabel = series
      .filter((s) => !s.right)
      .map((s) => s.label)
      .join(' / ');
    const chart = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 220,
        scales: { x: { time: true } },
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            scale: s.right ? 'right' : 'left',
          })),
        ],
        axes: [
          {},
          { scale: 'left', label: leftLabel },
          ...(right
            ? [{ scale: 'right', side: 1 as const, label: right.label, grid: { show: false } }]
            : []),
        ],
      },
      lastPerInstant(times, series),
      el,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, series]);
  return (
    <figure className="rounded border border-slate-200 bg-white p-3" data-testid={testId}>
      <figcaption className="mb-1 text-sm">
        <span className="font-medium">{title}</span>{' '}
        <span className="text-slate-700">{summary}</span>
      </figcaption>
      <div ref={host} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
}
