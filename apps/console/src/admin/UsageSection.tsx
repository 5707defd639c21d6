import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import { Section } from '../ui/Section';
import { ErrorNote } from '../ui/status';

/** The tenant's LLM calls, tokens, dollars and plans, all time. */
export function UsageSection() {
  const usage = useQuery(queries.usage());
  const u = usage.data;
  return (
    <Section id="usage" title="Usage">
      <ErrorNote error={usage.error} />
      {u && (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" data-testid="usage">
          <Figure label="LLM calls" value={u.calls.toLocaleString()} />
          <Figure
            label="Dollars"
            value={`$${u.dollars.toFixed(4)}${u.simulatedCalls > 0 ? ' (some simulated)' : ''}`}
          />
          <Figure label="Input tokens" value={u.inputTokens.toLocaleString()} />
          <Figure label="Output tokens" value={u.outputTokens.toLocaleString()} />
          <Figure label="Cached tokens" value={u.cachedTokens.toLocaleString()} />
          <Figure label="Simulated calls" value={u.simulatedCalls.toLocaleString()} />
          <Figure label="Plans" value={u.plans.toLocaleString()} />
          <Figure
            label="By status"
            value={
              Object.entries(u.plansByStatus)
                .map(([s, n]) => `${s.replace('_', ' ')} ${n}`)
                .join(', ') || 'none'
            }
          />
        </dl>
      )}
    </Section>
  );
}

export function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-700">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}
