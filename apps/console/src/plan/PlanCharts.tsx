import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { queries } from '../api/queries';
import { TimeChart } from './TimeChart';

/** Cost and tokens over time (from the usage ledger) and throughput (atoms settled over time). */
export function PlanCharts({ planId, poll }: { planId: string; poll: number | false }) {
  const timeline = useQuery({ ...queries.timeline(planId), refetchInterval: poll });
  const t = timeline.data;
  const spend = useMemo(
    () =>
      t && {
        times: t.spend.map((p) => Date.parse(p.at)),
        series: [
          { label: 'Dollars', color: '#0369a1', values: t.spend.map((p) => p.dollars) },
          {
            label: 'Tokens',
            color: '#b45309',
            values: t.spend.map((p) => p.tokens),
            right: true,
          },
        ],
      },
    [t],
  );
  const settled = useMemo(
    () =>
      t && {
        times: t.settled.map((p) => Date.parse(p.at)),
        series: [
          { label: 'Validated', color: '#047857', values: t.settled.map((p) => p.validated) },
          { label: 'Failed', color: '#b91c1c', values: t.settled.map((p) => p.failed) },
        ],
      },
    [t],
  );
  if (!t || (t.spend.length === 0 && t.settled.length === 0)) return null;
  const last = t.spend[t.spend.length - 1];
  const done = t.settled[t.settled.length - 1];
  const simulated = t.simulated ? ' (simulated provider)' : '';
  return (
    <section aria-labelledby="charts-title" className="space-y-2">
      <h2 id="charts-title" className="text-lg font-semibold">
        Cost and throughput
      </h2>
      <div className="grid gap-3 lg:grid-cols-2">
        {spend && last && (
          <TimeChart
            title="Cost and tokens over time"
            summary={`${t.spend.length} LLM calls, $${last.dollars.toFixed(4)} and ${last.tokens} tokens in all${simulated}`}
            testId="chart-spend"
            {...spend}
          />
        )}
        {settled && done && (
          <TimeChart
            title="Atoms settled over time"
            summary={`${done.validated} validated, ${done.failed} failed`}
            testId="chart-throughput"
            {...settled}
          />
        )}
      </div>
    </section>
  );
}
