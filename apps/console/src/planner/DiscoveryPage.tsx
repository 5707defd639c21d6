import { useMutation, useQuery } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { api, unwrap } from '../api/client';
import { useDiscoveryProgress, type DiscoveryLive, type PlannerStep } from '../api/live';
import { queries } from '../api/queries';
import type { DiscoveryAnalysis } from '../api/types';
import { Section } from '../ui/Section';
import { ErrorNote, primaryButtonClass } from '../ui/status';

/** A discovery: its status while the planner analyses, then the DiscoveryDocument; generate the plan. */
export function DiscoveryPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  // The steps from the socket; polling only while it is down.
  const live = useDiscoveryProgress(id);
  const doc = useQuery({
    ...queries.discovery(id),
    refetchInterval: (q) =>
      q.state.data?.status === 'analyzing' && !live.connected ? 1000 : false,
  });
  const generate = useMutation({
    mutationFn: () =>
      unwrap<{ masterplanId: string }>(
        api.POST('/api/v1/masterplan/generate', { body: { discoveryId: id } }),
      ),
    onSuccess: (plan) => navigate(`/plans/${plan.masterplanId}/masterplan`),
  });
  const d = doc.data;

  return (
    <section aria-labelledby="discovery-title" className="space-y-4">
      <h1 id="discovery-title" className="text-2xl font-semibold">
        Discovery{d?.analysis ? `: ${d.analysis.domain.name}` : ''}
      </h1>
      <ErrorNote error={doc.error} />
      {d && (
        <>
          <p className="text-sm" data-testid="discovery-status" role="status">
            Status: <strong>{d.status}</strong>
            {d.status === 'analyzing' && ' — the planner is reading the requirements…'}
            {d.model && ` · model ${d.model}`} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'} ·{' '}
            {d.usage.inputTokens + d.usage.outputTokens} tokens · ${d.usage.dollars.toFixed(4)}
          </p>
          {live.steps.length > 0 && <Progress steps={live.steps} spent={live.spent} />}
          {d.error && <ErrorNote error={`The analysis failed: ${d.error}`} />}
          {d.analysis && <Analysis analysis={d.analysis} />}
          <Section id="discovery-input" title="The requirements as written">
            <pre className="whitespace-pre-wrap text-sm">{d.requirements}</pre>
          </Section>
          {d.status === 'ready' && (
            <div className="space-y-2">
              <ErrorNote error={generate.error} />
              <button
                type="button"
                className={primaryButtonClass}
                disabled={generate.isPending}
                onClick={() => generate.mutate()}
              >
                {generate.isPending ? 'Starting…' : 'Generate the plan'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

const STEP_TEXT: Record<PlannerStep['status'], string> = {
  queued: 'queued',
  started: 'started',
  calling: 'asking the model',
  retrying: 'answer rejected, asking again',
  done: 'done',
  failed: 'failed',
};

/** The planner's steps as the live socket tells them: attempts and the feedback of a rejected answer. */
function Progress({ steps, spent }: { steps: PlannerStep[]; spent: DiscoveryLive['spent'] }) {
  return (
    <Section id="discovery-progress" title="Progress">
      <ol className="space-y-1 text-sm" data-testid="discovery-steps">
        {steps.map((s) => (
          <li key={s.step} data-status={s.status}>
            <strong>{s.step}</strong>: {STEP_TEXT[s.status]}
            {s.attempt !== undefined && ` (attempt ${s.attempt})`}
            {s.message && <span className="text-slate-700"> — {s.message}</span>}
          </li>
        ))}
      </ol>
      {spent && (
        <p className="mt-2 text-sm" data-testid="discovery-spent">
          Spent so far: ${spent.dollars.toFixed(4)} · {spent.tokens} tokens
        </p>
      )}
    </Section>
  );
}

function Analysis({ analysis: a }: { analysis: DiscoveryAnalysis }) {
  return (
    <>
      <p className="text-sm text-slate-700">{a.domain.description}</p>
      <Section id="discovery-requirements" title={`Requirements (${a.requirements.length})`}>
        <ul className="space-y-2 text-sm" data-testid="requirements">
          {a.requirements.map((r) => (
            <li key={r.id}>
              <strong>{r.id}</strong> ({r.priority}) {r.text}
              {r.acceptanceCriteria.length > 0 && (
                <ul className="ml-6 list-disc text-slate-700">
                  {r.acceptanceCriteria.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </Section>
      <Section id="discovery-contexts" title={`Bounded contexts (${a.boundedContexts.length})`}>
        <ul className="space-y-2 text-sm" data-testid="bounded-contexts">
          {a.boundedContexts.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong>: {c.description}
              {c.responsibilities.length > 0 && ` (${c.responsibilities.join(', ')})`}
            </li>
          ))}
        </ul>
      </Section>
      <Section id="discovery-questions" title={`Open questions (${a.openQuestions.length})`}>
        {a.openQuestions.length === 0 ? (
          <p className="text-sm">None.</p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="open-questions">
            {a.openQuestions.map((q) => (
              <li key={q.question}>
                {q.question}
                {q.blocking && <strong> (blocking)</strong>}
                {q.defaultAnswer && ` — assumed: ${q.defaultAnswer}`}
              </li>
            ))}
          </ul>
        )}
        {a.assumptions.length > 0 && (
          <p className="mt-2 text-sm">Assumptions: {a.assumptions.join('; ')}</p>
        )}
        {a.risks.length > 0 && <p className="mt-1 text-sm">Risks: {a.risks.join('; ')}</p>}
      </Section>
    </>
  );
}
